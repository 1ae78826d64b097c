import type * as http from "http";

/**
 * What the local sign-in pages share (the user pool's stand-in, local/services/idp.ts, and the upstream IdP
 * stand-ins, local/services/upstream.ts): escaping for their HTML, and ending a sign-in as an account.
 */

/** Text for HTML: `&`, `<`, `>`, `"` and `'` as character references. */
export const html = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Ends oidc-provider's login interaction as `accountId` (the sign-in page's form was answered). */
export async function loginAs(
  provider: { interactionFinished(...args: unknown[]): Promise<unknown> },
  req: http.IncomingMessage,
  res: http.ServerResponse,
  accountId: string,
): Promise<void> {
  await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
}
