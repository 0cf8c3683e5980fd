// The help center's answers in Spanish (docs/languages.md): the same articles as articles.ts — same
// ids, topics, links and {placeholders} — written for a Spanish-speaking holder (US Spanish, usted).
// The keywords keep the English words too, so a search in either language finds the answer.
import { HELP_ARTICLES, type HelpArticleSource } from './articles.js';

type Spanish = Pick<HelpArticleSource, 'question' | 'paragraphs'> & {
  keywords: readonly string[];
  actionLabel?: string;
};

const SPANISH: Readonly<Record<string, Spanish>> = {
  'where-to-repair': {
    question: '¿Dónde puedo reparar mi vehículo?',
    paragraphs: [
      'Cualquier taller de reparación con licencia en los Estados Unidos o Canadá puede reparar su vehículo: un concesionario, un taller independiente o una cadena nacional. Pídale al taller que nos llame antes de empezar el trabajo; la reparación debe autorizarse primero, y no podemos pagar el trabajo que empiece antes de la autorización.',
      'El taller nos envía un presupuesto con las piezas y las horas de mano de obra. Pagamos la mano de obra hasta {laborRateCap} por hora; usted le paga directamente al taller el deducible que eligió ({deductibles}).',
      'Si su vehículo se descompone en el camino, llame a asistencia en carretera al {roadsidePhone}: el remolque, el arranque con cables, el cambio de llanta ponchada, la ayuda si se quedó fuera del vehículo y la entrega de combustible se pagan hasta {roadsideLimit} por servicio.',
    ],
    keywords: ['taller', 'concesionario', 'mecánico', 'autorización', 'remolque', 'avería', 'carretera'],
  },
  'what-is-covered': {
    question: '¿Qué cubre mi contrato?',
    paragraphs: [
      'Depende de su plan ({planNames}). Inicie sesión en Mi cobertura para ver los grupos de componentes que cubre su plan, sus límites y las reglas del estado donde lo compró.',
      'La cobertura empieza después de un período de espera de {waitingDays} días o {waitingMiles} millas cuando el contrato se compró después de la venta del vehículo y fuera de la garantía de fábrica.',
      'El reembolso de auto de alquiler ({rentalPlanNames}) paga hasta {rentalDailyLimit} por día y {rentalPerVisitLimit} por visita al taller. La interrupción de viaje paga hospedaje y comidas hasta {tripDailyLimit} por día durante un máximo de {tripMaxDays} días cuando su vehículo se descompone a más de {tripMinMilesFromHome} millas de su casa.',
    ],
    keywords: ['cobertura', 'componentes', 'motor', 'transmisión', 'alquiler', 'viaje', 'período de espera'],
    actionLabel: 'Ver mi cobertura',
  },
  'start-gap-claim': {
    question: '¿Cómo presento un reclamo GAP?',
    paragraphs: [
      'Si su vehículo fue declarado pérdida total o se lo robaron, presente un reclamo en el Centro de reclamos GAP con su apellido, su código postal y su VIN. Verá la lista de los documentos que necesitamos y podrá subirlos ahí mismo.',
      'Envíe los documentos dentro de los {gapDocumentsDueDays} días posteriores a la liquidación de su aseguradora principal. El beneficio GAP paga hasta {gapMaxBenefit} por pérdida y le reintegra hasta {gapDeductibleCover} del deducible de su seguro.',
    ],
    keywords: ['pérdida total', 'robo', 'robado', 'préstamo', 'seguro', 'documentos', 'reclamo'],
    actionLabel: 'Ir al Centro de reclamos GAP',
  },
  'how-long-review': {
    question: '¿Cuánto tarda una revisión?',
    paragraphs: [
      'Revisamos cada documento que usted sube en un plazo de {reviewBusinessDays} días hábiles a partir del día hábil en que lo recibimos. Los días hábiles son de lunes a viernes, excepto los días festivos federales; un documento recibido después del final del día hábil cuenta a partir del siguiente.',
      'La página de su reclamo muestra la fecha en que vence cada revisión y el motivo; también recibirá un correo electrónico cuando aceptemos un documento o cuando necesitemos algo más.',
    ],
    keywords: ['revisión', 'días hábiles', 'fecha', 'espera', 'cuánto tarda', 'estado', 'festivo'],
  },
  'transfer-or-cancel': {
    question: '¿Cómo transfiero o cancelo mi contrato?',
    paragraphs: [
      'Para cancelar, inicie sesión en Mi cobertura y elija Cancelar: verá el reembolso antes de confirmar. Si cancela dentro del período de revisión gratuita ({vscFreeLookDays} días para un contrato de servicio, {stateFreeLookDays} días en algunos estados; {gapFreeLookDays} días para un anexo GAP), le devolvemos el precio completo.',
      'Cuando vende su vehículo a una persona, el contrato de servicio puede pasar al comprador: avísenos de la venta dentro de {transferWindowDays} días, adjunte un registro de mantenimiento y pague el cargo de transferencia. Una venta a un concesionario o una entrega como parte de pago no transfiere el contrato, y un anexo GAP nunca se transfiere.',
    ],
    keywords: [
      'cancelar',
      'cancelación',
      'reembolso',
      'transferir',
      'transferencia',
      'vender',
      'venta',
      'comprador',
    ],
    actionLabel: 'Iniciar sesión en Mi cobertura',
  },
  'what-does-it-cost': {
    question: '¿Cuánto cuesta?',
    paragraphs: [
      'En una reparación cubierta, usted solo paga el deducible que eligió al comprar el contrato ({deductibles}).',
      'Cancelar después del período de revisión gratuita tiene un cargo de {vscCancellationFee} para un contrato de servicio y de {gapCancellationFee} para un anexo GAP; se le devuelve el resto del precio no usado. Transferir el contrato a un comprador cuesta {transferFee}.',
    ],
    keywords: ['precio', 'cargo', 'deducible', 'costo', 'pagar', 'dinero'],
  },
  'contact-us': {
    question: '¿Cómo me comunico con ustedes?',
    paragraphs: [
      'Llame a servicio al cliente al {supportPhone}, {supportHours}.',
      'Si su vehículo se descompone en el camino, llame a asistencia en carretera al {roadsidePhone}.',
    ],
    keywords: ['teléfono', 'llamar', 'horario', 'contacto', 'ayuda', 'número'],
  },
};

/** The articles in Spanish; an article not yet written in Spanish stays in English. */
export const HELP_ARTICLES_ES: readonly HelpArticleSource[] = HELP_ARTICLES.map((article) => {
  const spanish = SPANISH[article.id];
  if (!spanish) return article;
  return {
    ...article,
    question: spanish.question,
    paragraphs: spanish.paragraphs,
    keywords: [...spanish.keywords, ...article.keywords],
    ...(article.action
      ? { action: { ...article.action, label: spanish.actionLabel ?? article.action.label } }
      : {}),
  };
});
