import * as assert from "assert";
import { doorToken, signIn } from "../../clients/doorClient";
import { Check } from "../check";
import { ContractContext, expectStatus } from "../context";

/** Why the federation checks cannot run: no token door, or outputs listing no identity provider's stand-in. */
function federatedDoor(ctx: ContractContext): string | undefined {
  if (!ctx.takesTokens) return `the ${ctx.mode} door takes no bearer token`;
  if (!ctx.outputs.local?.idp?.identityProviders?.length)
    return "the outputs list no identity provider with a test user (identityProviders, in local mode)";
  return undefined;
}

/**
 * People who sign in with an identity provider federated into the pool: the door serves them as users of the pool,
 * one `sub` per person, whatever sign-in found them.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-identity-federation.html
 */
export const FEDERATION_CHECKS: readonly Check[] = [
  {
    id: "federated-sign-in",
    title:
      "given an identity provider federated into the pool, when its test user signs in through it twice, then " +
      "the door serves them both times as one user of the pool, who owns the notes they write",
    skip: federatedDoor,
    async run(ctx) {
      const provider = ctx.outputs.local!.idp!.identityProviders![0];
      const [person] = provider.users;
      // Two sign-ins of their own (not memoized as ctx.signIn's): the second must find the user the first made.
      const signedIn = async () =>
        ctx.withToken(
          doorToken(
            ctx.outputs,
            await signIn(ctx.outputs, person, {
              identityProvider: provider.name,
              cognitoDomain: ctx.options.cognitoDomain,
              callbackUrl: ctx.options.callbackUrl,
            }),
          ),
        );
      const first = await signedIn();
      const me = await ctx.call("/me", { auth: first });
      expectStatus(me, 200, `${provider.name}'s user at /me`);
      assert.ok(
        !(ctx.outputs.local?.users ?? []).some((u) => u.sub === me.json.id),
        "a user of its own, not one of the pool's seeded users",
      );
      const note = await ctx.call("/notes", {
        method: "POST",
        auth: first,
        body: { title: "federated", content: "written by the contract suite" },
      });
      expectStatus(note, 201, `${provider.name}'s user creates a note`);
      const second = await signedIn();
      const again = await ctx.call("/me", { auth: second });
      expectStatus(again, 200, `${provider.name}'s user at /me, signed in again`);
      assert.equal(again.json.id, me.json.id, "the second sign-in finds the same user");
      expectStatus(await ctx.call(`/notes/${note.json.noteId}`, { auth: second }), 200, "the note, signed in again");
    },
  },
];
