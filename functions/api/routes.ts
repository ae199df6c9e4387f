/**
 * The portal's routes: the handler dispatches on them and the CDK app creates exactly these API
 * Gateway routes from them (infra/api.ts), so the two cannot drift apart. No imports on purpose.
 */
export const PORTAL_ROUTES = {
  '/': ['GET'],
  '/app.js': ['GET'],
  '/style.css': ['GET'],
  '/template.xlsx': ['GET'],
  '/me': ['GET'],
  '/uploads': ['GET', 'POST'],
  '/status': ['GET'],
  '/review': ['GET', 'POST'],
  '/month': ['GET', 'POST'],
  '/audit': ['GET'],
  '/history': ['GET'],
  '/download': ['GET'],
} as const satisfies Record<string, readonly ('GET' | 'POST')[]>;

export type PortalPath = keyof typeof PORTAL_ROUTES;
