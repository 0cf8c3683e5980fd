// pdfkit, with fontkit and the fonts it reads, is ~6 MB of heap and compiled code: loaded at the first
// PDF a process makes (a contract form, a dealer statement) rather than at every start.
type PdfKit = typeof import('pdfkit');

let pdfKit: Promise<PdfKit> | null = null;

/** pdfkit's PDFDocument class, imported once. */
export function loadPdfKit(): Promise<PdfKit> {
  pdfKit ??= import('pdfkit').then((module) => module.default);
  return pdfKit;
}
