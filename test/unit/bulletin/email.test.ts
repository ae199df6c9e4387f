import { describe, expect, it } from 'vitest';
import { emailText } from '../../../functions/core/bulletin/email';
import { build, luohe } from '../../helpers/bulletin-build';

describe('email text', () => {
  it('the rates, and a link with its validity when the PDF is not attached', () => {
    const m = build();
    const attached = emailText(m);
    expect(attached).toContain('开工率：57.0%（较上月 -0.8）');
    expect(attached).toContain('完整通报见附件（PDF）');
    const linked = emailText(m, { link: { url: 'http://x/y.pdf?sig=1', validFor: '7 天', expiresAt: '2026年11月12日 09:05' } });
    expect(linked).toContain('完整通报下载（链接 7 天内有效，至 2026年11月12日 09:05）：http://x/y.pdf?sig=1');
    expect(emailText(luohe())).toContain('开工率：60.0%（较上月 —），全省 57.0%，全省位次 8');
  });
});
