import * as assert from "assert";
import { userCredential } from "../../clients/doorClient";
import type { Check } from "../check";
import { ContractContext, expectStatus } from "../context";
import { presents } from "../facts";

/**
 * Why the federation checks cannot run: a door of API keys alone serves no user, or the outputs list no identity
 * provider's stand-in.
 */
export function federatedDoor(ctx: Pick<ContractContext, "mode" | "facts" | "outputs">): string | undefined {
  if (ctx.facts.credential.kind === "api-key")
    return `the ${ctx.mode} door serves applications (clients present ${presents(ctx.facts.credential)}), no users`;
  if (!ctx.outputs.local?.idp?.identityProviders?.length)
    return "the outputs list no identity provider with a test user (identityProviders, in local mode)";
  return undefined;
}

/**
 * People who sign in with an identity provider federated into the pool: the door serves them as users of the pool,
 * one `sub` per person, whatever sign-in found them, with whatever the door's clients present (the credential its
 * outputs publish): the pool's token, identity-pool credentials for the pool's ID token, or the load balancer's
 * session after its login sent them through the pool's hosted UI to the provider.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-identity-federation.html
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-integrating-user-pools-with-identity-pools.html
 */
export const FEDERATION_CHECKS: readonly Check[] = [
  {
    id: "federated-sign-in",
    title:
      "given an identity provider federated into the pool, when its test user signs in through it twice with " +
      "the door's credential, then the door serves them both times as one user of the pool, who owns the notes " +
      "they write",
    skip: federatedDoor,
    async run(ctx) {
      const provider = ctx.outputs.local!.idp!.identityProviders![0];
      const [person] = provider.users;
      // Two sign-ins of their own (not memoized as ctx.as's): the second must find the user the first made.
      const signedIn = () =>
        userCredential(ctx.outputs, person, {
          identityProvider: provider.name,
          cognitoDomain: ctx.options.cognitoDomain,
          callbackUrl: ctx.options.callbackUrl,
          region: ctx.region,
          awsEndpoint: ctx.options.awsEndpoint,
          apiKey: ctx.parties.a.key?.value,
        });
      const first = await signedIn();
      const me = await ctx.call("/me", { auth: first });
      expectStatus(me, 200, `${provider.name}'s user at /me`);
      assert.equal(me.json.kind, "user", `${provider.name}'s user is a user, not a machine`);
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
