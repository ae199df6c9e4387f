import type { BulletinModel } from '../bulletin/view-model';
import type { Config } from '../shared/config';

/** `mail.province` gets the province bulletin; `mail.cities[code]` that city's edition. Each address once. */
export function recipientsOf(config: Config, model: Pick<BulletinModel, 'edition' | 'editionKey'>): string[] {
  const list = model.edition === 'province' ? config.mail.province : (config.mail.cities[model.editionKey] ?? []);
  return [...new Set(list)];
}

/** A PDF above `mail.attachLimitBytes` goes as a download link instead of an attachment. */
export function deliveryFor(pdfBytes: number, config: Config): 'attachment' | 'link' {
  return pdfBytes > config.mail.attachLimitBytes ? 'link' : 'attachment';
}
