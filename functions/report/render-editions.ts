import { recordMetric } from '../adapters/metrics';
import type { BulletinModel } from '../core/bulletin/view-model';
import { METRIC } from '../core/shared/metric-names';
import type { BulletinTemplates, ObjectStore, PdfRenderer } from '../core/ports';
import { mapLimit } from '../core/shared/concurrency';
import { objectKeys } from '../core/shared/storage-keys';

export interface RenderDeps {
  store: ObjectStore;
  reportsBucket: string;
  templates: BulletinTemplates;
  withRenderer: <T>(fn: (r: PdfRenderer) => Promise<T>) => Promise<T>;
  /** PDFs rendered at once in the one browser (pages). Default 2. */
  renderConcurrency?: number;
}

export interface RenderedEdition {
  model: BulletinModel;
  pdf: Buffer;
  keys: { pdf: string; html: string };
}

/**
 * Every edition to PDF on one browser, a few at a time (the HTML of the next edition is built
 * while Chromium prints the current one); each PDF and the HTML it was printed from go to the
 * reports bucket as soon as they exist.
 */
export function renderEditions(deps: RenderDeps, month: string, models: readonly BulletinModel[], version?: number): Promise<RenderedEdition[]> {
  return deps.withRenderer((renderer) =>
    mapLimit(models, deps.renderConcurrency ?? 2, async (model) => {
      const html = await deps.templates.bulletinHtml(model);
      const started = performance.now();
      const pdf = await renderer.render(html, { footer: model.footer });
      recordMetric(METRIC.PdfRenderSeconds, (performance.now() - started) / 1000);
      // A published version keeps its own copy (earlier versions stay readable); the unversioned keys hold the latest.
      const keys = objectKeys.bulletin(month, model.editionKey, version);
      const latest = version ? [keys, objectKeys.bulletin(month, model.editionKey)] : [keys];
      for (const k of latest) {
        await deps.store.put(deps.reportsBucket, k.pdf, pdf, 'application/pdf');
        await deps.store.put(deps.reportsBucket, k.html, html, 'text/html; charset=utf-8');
      }
      return { model, pdf, keys };
    }),
  );
}
