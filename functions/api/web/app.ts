/**
 * The portal page (plain TypeScript, built to /app.js by esbuild): sign-in with a token, then the
 * unit's upload view or the province's reporting view. Everything that comes from the server or
 * the clerk is put into the page with textContent, never as HTML.
 */
import { ApiFailure, type Me, api, forgetToken, onUnauthorized, saveToken, token } from './api-client';
import { $, show } from './dom';
import { initPanel } from './panel-view';
import { initProvinceView } from './province-view';
import { initReviewView } from './review-view';
import { initUnitView, leaveUnitView } from './unit-view';

function signedOut(message: string): void {
  leaveUnitView();
  show('unit-view', false);
  show('province-view', false);
  show('review-view', false);
  show('who', false);
  show('login', true);
  const err = $('login-error');
  err.textContent = message;
  err.hidden = false;
}

async function start(): Promise<void> {
  if (!token()) {
    show('login', true);
    return;
  }
  let me: Me;
  try {
    me = await api<Me>('GET', '/me');
  } catch (e) {
    if (!(e instanceof ApiFailure) || e.status !== 401) {
      show('login', true);
      const err = $('login-error');
      err.textContent = (e as Error).message;
      err.hidden = false;
    }
    return;
  }
  show('login', false);
  $('login-error').hidden = true;
  show('who', true);
  $('who-name').textContent =
    me.role === 'unit' && me.unit
      ? `${me.unit.cityName} ${me.unit.name}（${me.unit.code}）`
      : me.role === 'city' && me.city
        ? `${me.city.name}（市级审核）`
        : '省专班（全省报送情况、月度控制面板）';
  if (me.role === 'unit') initUnitView(me);
  else if (me.role === 'city') initReviewView(me);
  else {
    initProvinceView(me);
    initPanel(me);
  }
}

function initLogin(): void {
  $('login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const value = ($('token-input') as HTMLInputElement).value.trim();
    if (!value) return;
    saveToken(value);
    ($('token-input') as HTMLInputElement).value = '';
    void start();
  });
  $('logout').addEventListener('click', () => {
    forgetToken();
    location.reload();
  });
}

document.addEventListener('DOMContentLoaded', () => {
  onUnauthorized(signedOut);
  initLogin();
  void start();
});
