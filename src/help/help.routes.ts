import { Type } from 'typebox';
import type { CatalogService } from '../catalog/catalog.service.js';
import { LanguageInput, Nullable, problemResponses, StateRuleNoteSchema } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { helpArticlesIn, renderHelpCenter } from './help-center.js';
import type { HelpSettings } from './help-facts.js';

const HelpArticleSchema = Type.Object({
  id: Type.String(),
  question: Type.String(),
  topic: Type.String(),
  paragraphs: Type.Array(Type.String()),
  keywords: Type.Array(Type.String()),
  stateRules: Type.Array(Type.String(), { description: 'State rule sentences that change the answer' }),
  stateRuleNotes: Type.Array(StateRuleNoteSchema, {
    description:
      'The same state rules in the same order, each with its id and parameters, for a client to say them in its language',
  }),
  action: Nullable(Type.Object({ label: Type.String(), href: Type.String() })),
});

export function registerHelpRoutes(
  app: TypedApp,
  deps: { catalog: Pick<CatalogService, 'current'>; settings: HelpSettings },
): void {
  app.get(
    '/api/v1/help',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getHelp',
        description:
          'Any signed-in caller. Articles with figures (caps, windows, fees) filled from the current catalog and ' +
          'settings, in English or (language=es) Spanish (the support hours too); state rule sentences are data, as written ' +
          '(stateRuleNotes gives each rule by id and parameters for a client to translate).',
        tags: ['Help'],
        summary: 'Help center articles, with figures filled from the current catalog and settings',
        querystring: Type.Object({
          language: Type.Optional(LanguageInput),
        }),
        response: {
          200: Type.Object({
            catalogVersion: Type.Integer(),
            contact: Type.Object({
              supportPhone: Type.String(),
              supportHours: Type.String({
                description:
                  "Customer service's days and hours (COVERWISE_SUPPORT_HOURS) in the asked language, e.g. " +
                  "'Monday – Friday 8:00 AM – 8:00 PM and Saturday 9:00 AM – 1:00 PM (Eastern Time)'",
              }),
              roadsidePhone: Type.String(),
            }),
            articles: Type.Array(HelpArticleSchema),
          }),
          ...problemResponses(503),
        },
      },
    },
    async (request) => {
      const current = await deps.catalog.current();
      const language = request.query.language ?? 'en';
      // The state rules' sentences are data, as written (English); they also come as notes with ids and
      // parameters, which the holder pages say in Spanish. The support hours are said in the language.
      return renderHelpCenter(
        current.catalog,
        current.version,
        deps.settings,
        helpArticlesIn(language),
        language,
      );
    },
  );
}
