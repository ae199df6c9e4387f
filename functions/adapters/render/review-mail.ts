/**
 * The review mail's HTML (`templates/review-mail.hbs`), compiled on its own: the portal function
 * renders it and carries only this template, not the bulletin's (nor its fonts and charts).
 * Every value goes through Handlebars' `{{ }}` escaping.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { ReviewMailModel } from '../../core/review/review-mail';
import type { ReviewMailTemplate } from '../../core/ports';
import { templatesDir } from './templates-dir';

export const REVIEW_MAIL_TEMPLATE = 'review-mail.hbs';

const compiled = new Map<string, Handlebars.TemplateDelegate<ReviewMailModel>>();

export const reviewMailTemplate: ReviewMailTemplate = {
  async reviewMailHtml(model: ReviewMailModel): Promise<string> {
    const dir = templatesDir();
    let t = compiled.get(dir);
    if (!t) {
      t = Handlebars.create().compile<ReviewMailModel>(readFileSync(join(dir, REVIEW_MAIL_TEMPLATE), 'utf8'));
      compiled.set(dir, t);
    }
    return t(model);
  },
};
