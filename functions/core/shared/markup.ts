/**
 * The pipeline's one escaper for text that goes into HTML, SVG or XML outside a Handlebars
 * template (templates escape with Handlebars itself). It escapes the same characters as
 * Handlebars' `escapeExpression`, so text and attribute values are safe in every place it is used:
 * the PDF footer, chart labels, fontconfig files, the local S3 gateway's XML errors.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' };
const UNSAFE = /[&<>"'`=]/g;

export function escapeMarkup(text: string): string {
  return text.replace(UNSAFE, (c) => ENTITIES[c]);
}
