import * as assert from "assert";
import * as crypto from "crypto";
import { sigv4 } from "../../clients/doorClient";
import { Check, notAbout } from "../check";
import { expectStatus } from "../context";
import type { DoorFacts } from "../facts";
import { needsAdmin } from "../helpers";
import { assumeMachineRole, machineRoleOf, machinesOf } from "../machines";

/** The IAM checks are about doors whose clients sign requests with SigV4. */
const sigv4Door = (facts: DoorFacts) =>
  facts.credential.kind === "identity-pool-sigv4"
    ? undefined
    : notAbout(facts, "doors whose clients sign requests with SigV4 (identity-pool credentials, machine roles)");

/**
 * IAM at the gateway: each role's policy, the machine roles and their trust policies, and SigV4
 * signatures tampered with, expired or made with credentials no AWS service issued.
 */
export const IAM_CHECKS: Check[] = [
  {
    id: "iam-role-policy",
    title:
      "given identity-pool credentials of an ordinary user and of an admin, when each calls /admin/stats, then " +
      "API Gateway refuses the user role's session with 403 naming it (its policy lacks the route) and lets the " +
      "admin role through",
    whyNotAbout: sigv4Door,
    skip: (ctx) => needsAdmin(ctx),
    async run(ctx) {
      const r = await ctx.call("/admin/stats", { auth: await ctx.as(ctx.parties.a) });
      expectStatus(r, 403, "the user role on /admin/stats");
      assert.match(
        r.json?.message ?? "",
        new RegExp(
          String.raw`^User: arn:aws:sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+ is not a` +
            String.raw`uthorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:`,
        ),
        "API Gateway's own refusal",
      );
      expectStatus(
        await ctx.call("/admin/stats", { auth: await ctx.as(ctx.parties.admin!) }),
        200,
        "the admin role on /admin/stats",
      );
    },
  },
  {
    id: "iam-machine-role",
    title:
      "given the principals listed in machineRolePrincipals, when each assumes its own role with STS (and its " +
      "external id) and calls the API signed, then each is iam:<its role ARN>, a machine, the ids differ, each " +
      "may write, another machine gets 404 on its note, and /admin/* is refused by API Gateway",
    whyNotAbout: sigv4Door,
    skip: (ctx) => (machinesOf(ctx).length > 0 ? undefined : "the stack has no machine roles (machineRolePrincipals)"),
    async run(ctx) {
      const machines = await Promise.all(
        machinesOf(ctx).map(async (m) => ({
          roleArn: await machineRoleOf(ctx, m),
          auth: sigv4(await assumeMachineRole(ctx, m), ctx.region),
        })),
      );
      const ids: string[] = [];
      for (const { roleArn, auth } of machines) {
        const me = await ctx.call("/me", { auth });
        expectStatus(me, 200, "the machine's /me");
        assert.deepEqual([me.json.id, me.json.kind], [`iam:${roleArn}`, "machine"]);
        ids.push(me.json.id);
      }
      assert.equal(new Set(ids).size, ids.length, `one principal per machine: ${ids.join(", ")}`);
      const [first, ...others] = machines;
      const note = await ctx.call("/notes", {
        method: "POST",
        auth: first.auth,
        body: { title: "from a machine", content: "x" },
      });
      expectStatus(note, 201, "the machine creates a note");
      for (const other of others) {
        expectStatus(
          await ctx.call(`/notes/${note.json.noteId}`, { auth: other.auth }),
          404,
          "another machine reads the first one's note",
        );
        expectStatus(
          await ctx.call(`/notes/${note.json.noteId}`, { method: "DELETE", auth: other.auth }),
          404,
          "another machine deletes the first one's note",
        );
      }
      expectStatus(
        await ctx.call(`/notes/${note.json.noteId}`, { method: "DELETE", auth: first.auth }),
        204,
        "the machine deletes it",
      );
      expectStatus(await ctx.call("/admin/stats", { auth: first.auth }), 403, "the machine role on /admin/stats");
    },
  },
  {
    id: "iam-machine-own-role",
    title:
      "given two listed machines, when one asks STS for the other's role (with the right external id), then STS " +
      "refuses (AccessDenied): each role trusts its own principal alone",
    whyNotAbout: sigv4Door,
    skip: (ctx) =>
      machinesOf(ctx).filter((m) => m.principal).length >= 2
        ? undefined
        : "fewer than two machines with known credentials (machineRolePrincipals)",
    async run(ctx) {
      const [a, b] = machinesOf(ctx).filter((m) => m.principal);
      const otherRole = await machineRoleOf(ctx, b);
      await assert.rejects(
        assumeMachineRole(ctx, a, { roleArn: otherRole, externalId: b.externalId }),
        (err: Error) => err.name === "AccessDenied",
        `${a.principal} assuming ${otherRole}`,
      );
    },
  },
  {
    id: "iam-machine-trust",
    title:
      "given a listed principal, when it asks STS for its own role with a wrong external id, then STS refuses " +
      "(AccessDenied): the trust policy's condition holds",
    whyNotAbout: sigv4Door,
    skip: (ctx) =>
      ctx.outputs.client.machineRoleExternalIdRequired && machinesOf(ctx).length > 0
        ? undefined
        : "the machine roles ask for no external id",
    async run(ctx) {
      await assert.rejects(
        assumeMachineRole(ctx, machinesOf(ctx)[0], { externalId: "not-the-external-id" }),
        (err: Error) => err.name === "AccessDenied",
        "AssumeRole with another external id",
      );
    },
  },
  {
    id: "iam-tampered-signature",
    title:
      "given a request signed with the user's credentials, when one character of the signature is changed, then " +
      "API Gateway answers 403 (the signature does not match)",
    whyNotAbout: sigv4Door,
    async run(ctx) {
      const signed = await (
        await ctx.as(ctx.parties.a)
      )({ method: "GET", url: `${ctx.outputs.url.replace(/\/$/, "")}/me`, headers: {} });
      const header = signed.headers.authorization;
      const last = header.slice(-1);
      const r = await ctx.call("/me", {
        auth: async () => ({
          ...signed,
          headers: { ...signed.headers, authorization: `${header.slice(0, -1)}${last === "0" ? "1" : "0"}` },
        }),
      });
      expectStatus(r, 403, "a tampered signature");
      assert.match(r.json?.message ?? "", /signature we calculated does not match/);
    },
  },
  {
    id: "iam-expired-signature",
    title:
      "given valid credentials, when a request is signed six minutes in the past (beyond the five minutes of " +
      "clock skew), then API Gateway answers 403 Signature expired",
    whyNotAbout: sigv4Door,
    async run(ctx) {
      const creds = await ctx.identityPoolCredentials(ctx.parties.a.user!);
      const r = await ctx.call("/me", { auth: sigv4(creds, ctx.region, new Date(Date.now() - 6 * 60 * 1000)) });
      expectStatus(r, 403, "a signature six minutes old");
      assert.match(r.json?.message ?? "", /^Signature expired/);
    },
  },
  {
    id: "iam-unknown-credentials",
    title:
      "given credentials no AWS service issued (a well-formed key and secret), when a request is signed with " +
      "them, then API Gateway answers 403: the security token is invalid",
    whyNotAbout: sigv4Door,
    async run(ctx) {
      const r = await ctx.call("/me", {
        auth: sigv4(
          {
            accessKeyId: "ASIA" + "Q".repeat(16),
            secretAccessKey: crypto.randomBytes(30).toString("base64"),
            sessionToken: crypto.randomBytes(64).toString("base64"),
          },
          ctx.region,
        ),
      });
      expectStatus(r, 403, "credentials never issued");
      assert.equal(r.json?.message, "The security token included in the request is invalid.");
    },
  },
];
