/**
 * The templates of the mails without a bulletin: 催报 (`templates/reminder.hbs`) and the receipt
 * mail (`templates/receipt-mail.hbs`). Apart from templates.ts so that ingest, which mails
 * receipts, loads neither fonts nor charts; each file is read at its first use, so a function
 * that never mails needs no template on disk.
 *
 * Safety: every value goes through Handlebars' `{{ }}` escaping; nothing is inserted unescaped
 * (a cell value `<script>` in an error is printed as text).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { NoticeTemplates } from '../../core/ports';
import { readEnv } from '../env';

/** `TB_TEMPLATES_DIR` (set in Lambda), else `<repo>/templates`, as templates.ts finds it. */
function templatesDir(): string {
  return readEnv().templatesDir ?? fileURLToPath(new URL('../../../templates/', import.meta.url));
}

const compiled = new Map<string, Handlebars.TemplateDelegate>();

function template(name: 'reminder' | 'receipt-mail'): Handlebars.TemplateDelegate {
  const path = join(templatesDir(), `${name}.hbs`);
  let t = compiled.get(path);
  if (!t) {
    const hb = Handlebars.create();
    hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    t = hb.compile(readFileSync(path, 'utf8'), { strict: true });
    compiled.set(path, t);
  }
  return t;
}

export const noticeTemplates: NoticeTemplates = {
  reminderHtml: async (model) => template('reminder')({ model }),
  receiptMailHtml: async (model) => template('receipt-mail')({ model }),
};
