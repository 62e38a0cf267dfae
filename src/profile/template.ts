// Safe personalization's template language: text with {{fact_key}} and {{fact_key|fallback}} holes.
// Parsing is pure and strict, so a template that could show a customer a raw brace is refused up front.

export const maxTemplateLength = 10_000;

export type TemplatePart = { text: string } | { key: string; fallback: string | null };

export class TemplateError extends Error {}

const hole = /^\s*([A-Za-z][A-Za-z0-9_.-]{0,79})\s*(?:\|([^{}|]*))?$/;

/** The template's text and holes, in order; throws TemplateError saying where it breaks. */
export function parseTemplate(template: string): TemplatePart[] {
  if (template.length > maxTemplateLength) {
    throw new TemplateError(
      `the template has ${template.length} characters; at most ${maxTemplateLength} are allowed`,
    );
  }
  const parts: TemplatePart[] = [];
  let at = 0;
  while (at < template.length) {
    const open = template.indexOf('{{', at);
    const close = template.indexOf('}}', at);
    if (close !== -1 && (open === -1 || close < open)) {
      throw new TemplateError(`unbalanced braces: "}}" at character ${close} closes no "{{"`);
    }
    if (open === -1) {
      parts.push({ text: template.slice(at) });
      break;
    }
    if (open > at) parts.push({ text: template.slice(at, open) });
    if (close === -1) throw new TemplateError(`unbalanced braces: "{{" at character ${open} is never closed`);
    const inner = template.slice(open + 2, close);
    if (inner.includes('{{')) {
      throw new TemplateError(
        `unbalanced braces: "{{" at character ${open} is opened again before it closes`,
      );
    }
    const match = hole.exec(inner);
    if (!match) {
      throw new TemplateError(
        `"{{${inner}}}" at character ${open} is not a hole: write {{fact_key}} or {{fact_key|fallback}}`,
      );
    }
    parts.push({ key: match[1]!, fallback: match[2] === undefined ? null : match[2].trim() });
    at = close + 2;
  }
  return parts;
}

/** How a fact's value reads in a sentence: lists joined with commas, other JSON as written. */
export function displayValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(displayValue).join(', ');
  return JSON.stringify(value);
}
