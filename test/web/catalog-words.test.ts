import { afterEach, describe, expect, it } from 'vitest';
import { loadDefaultCatalog } from '../../src/catalog/default-catalog.js';
import { componentGroupWords, planNameWords } from '../../web/src/contract-words.js';
import { catalogWords, i18next, speakLanguage } from '../../web/src/i18n.js';
import en from '../../web/src/locales/en.json' with { type: 'json' };
import es from '../../web/src/locales/es.json' with { type: 'json' };
import { documentTypeName } from '../../web/src/pages/gap-shared.js';

// Catalog words (component groups, document types, plan names) are data in English; the locale files
// translate the default catalog's. A translation is used only while the catalog still says the words it
// translates, so an administrator's renamed group never shows a stale Spanish name.

describe('catalog words in the reader language', () => {
  afterEach(async () => {
    await speakLanguage('en');
  });

  it('keeps the English of the locale file equal to the default catalog, so each translation applies', () => {
    const catalog = loadDefaultCatalog();
    for (const group of catalog.componentGroups) {
      expect(
        en.catalog.componentGroup[group.code as keyof typeof en.catalog.componentGroup],
        group.code,
      ).toEqual({
        name: group.name,
        description: group.description,
      });
    }
    for (const type of catalog.documentTypes)
      expect(en.gap.docType[type.code as keyof typeof en.gap.docType], type.code).toBe(type.name);
    const gap = catalog.plans.find((plan) => plan.code === 'GAP');
    expect(en.catalog.plan.GAP).toBe(gap?.name);
  });

  it.each([
    {
      words: 'the default engine group',
      group: { code: 'engine', name: 'Engine', description: en.catalog.componentGroup.engine.description },
      name: 'Motor',
      description: es.catalog.componentGroup.engine.description,
    },
    {
      words: 'a renamed engine group',
      group: { code: 'engine', name: 'Engine and turbocharger', description: 'Block, heads, turbo.' },
      name: 'Engine and turbocharger',
      description: 'Block, heads, turbo.',
    },
    {
      words: 'a renamed name, the default description',
      group: {
        code: 'brakes',
        name: 'Braking system',
        description: en.catalog.componentGroup.brakes.description,
      },
      name: 'Braking system',
      description: es.catalog.componentGroup.brakes.description,
    },
    {
      words: 'a group the catalog added',
      group: { code: 'hybrid_battery', name: 'Hybrid battery', description: 'High-voltage battery pack.' },
      name: 'Hybrid battery',
      description: 'High-voltage battery pack.',
    },
  ])('says $words in Spanish as far as it is translated', async ({ group, name, description }) => {
    await speakLanguage('es');
    expect(componentGroupWords(group)).toEqual({ name, description });
    await speakLanguage('en');
    expect(componentGroupWords(group)).toEqual({ name: group.name, description: group.description });
  });

  it.each([
    { planCode: 'GAP', planName: 'GAP Addendum', spanish: 'Anexo GAP' },
    { planCode: 'GAP', planName: 'GAP Plus Addendum', spanish: 'GAP Plus Addendum' },
    { planCode: 'VALUE_GUARD', planName: 'Value Guard', spanish: 'Value Guard' },
  ])('names plan $planName "$spanish" in Spanish', async ({ planCode, planName, spanish }) => {
    await speakLanguage('es');
    expect(planNameWords({ planCode, planName })).toBe(spanish);
  });

  it('names a document type the same way', async () => {
    await speakLanguage('es');
    expect(documentTypeName('police_report', 'Police or theft report')).toBe(
      'Reporte policial o denuncia de robo',
    );
    expect(documentTypeName('police_report', 'Police report (certified copy)')).toBe(
      'Police report (certified copy)',
    );
    expect(catalogWords('catalog.plan.UNKNOWN', 'Tire and Wheel')).toBe('Tire and Wheel');
  });
});
