import { ContractContext, Party, expectStatus } from "./context";

/** What several families of checks share. */

/** Lists a party's notes' titles (all pages). */
export async function titles(ctx: ContractContext, party: Party): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const r = await ctx.call(`/notes?limit=100${cursor ? `&cursor=${cursor}` : ""}`, { auth: await ctx.as(party) });
    expectStatus(r, 200, `${party.label} lists notes`);
    out.push(...r.json.items.map((n: { title: string }) => n.title));
    cursor = r.json.nextCursor;
  } while (cursor);
  return out;
}

/** Why a check of the admin route cannot run: the door has no admin caller. */
export const needsAdmin = (ctx: ContractContext) =>
  ctx.parties.admin ? undefined : "the door has no admin caller (an admin key needs apiKeyAdminClients)";
