import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { AUTH_MODES } from "../../components/config";
import { doorConfig } from "../../components/doors/registry";
import { DOOR_REPORTS } from "../../components/doors/reportRegistry";
import {
  ProjectFile,
  SECRET_KEYS,
  projectRefusal,
  readProject,
  stackConfigRefusal,
  undeclaredKeyError,
} from "../../components/pulumiConfig";
import { OFFLINE_STACK, readStackFile, runStack } from "../../offline/runStack";
import { stackConfig } from "../../local/recorded";

// The Pulumi CLI's project-config rules, as the CLI source states them (pulumi/pulumi):
// - sdk/go/common/workspace/project.go: (*Project).Validate (the declarations) and
//   ValidateConfigValue (what a value of each type may be);
// - sdk/go/common/workspace/config.go: mergeConfig (a project key with neither default nor value
//   must be set by the stack: missingStackConfigurationKeysError; defaults are merged in as plain
//   values), then validateStackConfigValues / validateStackConfigValue (a `secret: true` key must
//   hold an encrypted value; every typed key must have its type).
// The spec applies them to whatever Pulumi.yaml declares, so a key another change adds is checked too.

const ROOT = path.join(__dirname, "..", "..");
const project = readProject();
const STACK_FILES = fs
  .readdirSync(ROOT)
  .filter((f) => /^Pulumi\.[\w.-]+\.yaml$/.test(f))
  .map((f) => f.slice("Pulumi.".length, -".yaml".length));

/**
 * A config as tests and reports run it: secret keys marked as runs mark them (tools/compare/runs.ts, the policy specs).
 */
const asStack = (values: Record<string, unknown>) => ({
  values,
  secure: SECRET_KEYS.filter((k) => values[k] !== undefined),
});

/** A small project for the rule specs: one key of each kind. */
const toy = (config: ProjectFile["config"]): ProjectFile => ({ name: "notes-auth", config });

describe(
  "the Pulumi CLI's project-config rules (pulumi/pulumi sdk/go/common/workspace/config.go and " + "project.go)",
  () => {
    describe("hold for what we ship and run", () => {
      it("Pulumi.yaml's declarations pass (*Project).Validate: arrays declare items, defaults have their type", () => {
        assert.ok(Object.keys(project.config).length > 30);
        assert.equal(projectRefusal(project), undefined);
      });

      it(
        `every shipped stack file (${STACK_FILES.join(", ")}) sets every project key without a default, with ` +
          `values of the declared types, and no secret in plain text`,
        () => {
          assert.ok(STACK_FILES.includes("dev") && STACK_FILES.includes("prod"));
          for (const stack of STACK_FILES) {
            const values = readStackFile(stack);
            const refused = stackConfigRefusal(stack, project, {
              values,
              secure: Object.keys(values).filter((k) => values[k] === "<secure>"),
            });
            assert.equal(refused, undefined, `Pulumi.${stack}.yaml: ${refused}`);
          }
        },
      );

      it(
        "every config the tests and the report run passes: each door's minimal config and each of its " +
          "variants (doorConfig)",
        () => {
          for (const mode of AUTH_MODES) {
            for (const [variant, extra] of Object.entries({ minimal: {}, ...DOOR_REPORTS[mode].variants })) {
              const refused = stackConfigRefusal(
                OFFLINE_STACK,
                project,
                asStack(doorConfig(mode, extra as Record<string, unknown>)),
              );
              assert.equal(refused, undefined, `${mode} ${variant}: ${refused}`);
            }
          }
        },
      );

      it(
        "every stack file with every door, as npm run plan and npm start build it (local/recorded.ts " +
          "stackConfig), passes",
        () => {
          for (const stack of STACK_FILES) {
            for (const door of AUTH_MODES) {
              const { defaulted: _d, ...values } = stackConfig({ stack, overrides: {}, door });
              const refused = stackConfigRefusal(stack, project, {
                values,
                secure: Object.keys(values).filter((k) => values[k] === "<secure>"),
              });
              assert.equal(refused, undefined, `${stack} ${door}: ${refused}`);
            }
          }
        },
      );

      it(
        "the keys without a default are few and deliberate: API Gateway's logging role, which each stack must " +
          "choose (authMode defaults to unset, since a stack may list doors instead)",
        () => {
          const required = Object.entries(project.config)
            .filter(([, d]) => d.default === undefined && d.value === undefined)
            .map(([k]) => k)
            .sort();
          assert.deepEqual(required, ["apiGatewayAccountRole"]);
        },
      );
    });

    describe("refuse what the CLI refuses, with the CLI's message", () => {
      it(
        "given Pulumi.yaml as it was (oidcClientSecret declared secret without a default), then every stack " +
          "is refused: missingStackConfigurationKeysError",
        () => {
          const old = {
            ...project,
            config: { ...project.config, oidcClientSecret: { type: "string" as const, secret: true } },
          };
          assert.equal(
            stackConfigRefusal("dev", old, { values: readStackFile("dev") }),
            "Stack 'dev' is missing configuration value 'oidcClientSecret'",
          );
        },
      );

      it("given several missing keys, then one message lists them sorted, 'a', 'b' and 'c'", () => {
        const p = toy({
          b: { type: "string" },
          a: { type: "string" },
          c: { type: "boolean" },
          d: { type: "string", default: "" },
        });
        assert.equal(
          stackConfigRefusal("dev", p, { values: {} }),
          "Stack 'dev' is missing configuration values 'a', 'b' and 'c'",
        );
        assert.equal(
          stackConfigRefusal("dev", p, { values: { "notes-auth:a": "x", b: "y", c: true } }),
          undefined,
          "namespaced or bare, both count",
        );
      });

      it(
        "given a secret: true key with a default, then a stack that does not set it is refused, since the " +
          "merged default is plain (why oidcClientSecret is not declared secret)",
        () => {
          const p = toy({ token: { type: "string", secret: true, default: "" } });
          assert.equal(
            stackConfigRefusal("dev", p, { values: {} }),
            "Stack 'dev' with configuration key 'token' must be encrypted as it's secret",
          );
          assert.equal(
            stackConfigRefusal("dev", p, { values: { token: "plain" } }),
            "Stack 'dev' with configuration key 'token' must be encrypted as it's secret",
          );
          assert.equal(stackConfigRefusal("dev", p, { values: { token: "<secure>" } }), undefined);
          assert.equal(stackConfigRefusal("dev", p, { values: { token: "x" }, secure: ["token"] }), undefined);
        },
      );

      it("given a value of the wrong type, then 'must be of type', as ValidateConfigValue decides it", () => {
        const p = toy({
          n: { type: "integer", default: 1 },
          b: { type: "boolean", default: false },
          s: { type: "string", default: "" },
          l: { type: "array", items: { type: "string" }, default: [] },
        });
        const refused = (values: Record<string, unknown>) => stackConfigRefusal("dev", p, { values });
        assert.equal(refused({ n: "abc" }), "Stack 'dev' with configuration key 'n' must be of type 'integer'");
        assert.equal(refused({ n: "1.5" }), "Stack 'dev' with configuration key 'n' must be of type 'integer'");
        assert.equal(refused({ b: "yes" }), "Stack 'dev' with configuration key 'b' must be of type 'boolean'");
        assert.equal(
          refused({ l: "https://a.example.com" }),
          "Stack 'dev' with configuration key 'l' must be of type 'array<string>'",
        );
        assert.equal(
          refused({ l: ["a", 2] }),
          "Stack 'dev' with configuration key 'l' must be of type 'array<string>'",
        );
        assert.equal(refused({ s: ["a"] }), "Stack 'dev' with configuration key 's' must be of type 'string'");
        // YAML scalars reach the CLI as their text: 30, true and "+7" are fine where the type says so
        assert.equal(refused({ n: 30, b: true, s: true, l: ["a"] }), undefined);
        assert.equal(refused({ n: "+7", b: "false", s: "30" }), undefined);
      });

      it(
        "given an untyped key (identityProviders, a list of objects), then the CLI takes its default and any stack " +
          "value unchecked: validateStackConfigValues checks explicitly typed keys only",
        () => {
          assert.equal(project.config.identityProviders.type, undefined);
          assert.equal(projectRefusal(project), undefined);
          const providers = [{ name: "Google", type: "Google", settings: { clientId: "c" } }];
          for (const values of [{}, { identityProviders: providers }, { identityProviders: "not a list" }])
            assert.equal(
              stackConfigRefusal("dev", project, { values: { apiGatewayAccountRole: false, ...values } }),
              undefined,
              JSON.stringify(values),
            );
        },
      );

      it("given a declaration the CLI refuses, then (*Project).Validate's message", () => {
        assert.match(
          projectRefusal(toy({ l: { type: "array" } })) ?? "",
          /'l' declares an array but does not specify the underlying type via the 'items' attribute/,
        );
        assert.equal(
          projectRefusal(toy({ n: { type: "integer", default: "many" } })),
          "The default value specified for configuration key 'n' is not of the expected type 'integer'",
        );
        assert.equal(
          projectRefusal(toy({ n: { type: "integer", default: 1, value: 2 } })),
          "project config 'n' cannot have both a 'default' and 'value' attribute",
        );
      });
    });
  },
);

describe("the program's own config rules (components/pulumiConfig.ts readStackConfig)", function () {
  this.timeout(60_000);

  it(
    "given a misspelt notes-auth: key, then the program stops before any resource, naming it and the " +
      "nearest declared key",
    async () => {
      // given logRetentionDay (the key is logRetentionDays), which would otherwise be ignored
      const run = await runStack({ stack: OFFLINE_STACK, config: doorConfig("cognito", { logRetentionDay: 7 }) });
      assert.match(
        run.error ?? "",
        /^notes-auth:logRetentionDay is not a key of this program .*did you mean notes-auth:logRetentionDays\?/,
      );
      assert.deepEqual(
        run.resources.filter((r) => r.custom),
        [],
      );
    },
  );

  it(
    "names the nearest declared key, and leaves other namespaces and retired keys (which have their own " +
      "message) alone",
    () => {
      assert.match(
        undeclaredKeyError(project, ["notes-auth:corsOrigin"])?.message ?? "",
        /notes-auth:corsOrigin .*did you mean notes-auth:corsOrigins\?/,
      );
      assert.match(undeclaredKeyError(project, ["adminGrup"])?.message ?? "", /did you mean notes-auth:adminGroup\?/);
      assert.equal(
        undeclaredKeyError(project, ["aws:region", "notes-auth:authMode", "notes-auth:albCertificateArn"]),
        undefined,
      );
    },
  );

  it(
    "given oidcClientSecret in plain text, then the program refuses it before any resource; given it " +
      "encrypted, then alb-oidc uses the external IdP",
    async () => {
      const oidc = DOOR_REPORTS["alb-oidc"].variants.external as Record<string, unknown>;
      const plain = await runStack({ stack: OFFLINE_STACK, config: doorConfig("alb-oidc", oidc) });
      assert.match(
        plain.error ?? "",
        /^notes-auth:oidcClientSecret is set in plain text: .*pulumi config set --secret notes-auth:oidcClientSecret/,
      );
      assert.deepEqual(
        plain.resources.filter((r) => r.custom),
        [],
      );
      const secret = await runStack({
        stack: OFFLINE_STACK,
        config: doorConfig("alb-oidc", oidc),
        secretKeys: ["oidcClientSecret"],
      });
      assert.equal(secret.error, undefined);
      assert.equal(
        secret.resources.filter((r) => r.type === "aws:cognito/userPool:UserPool").length,
        1,
        "the pool stays beside an external IdP (keepUserPool)",
      );
      assert.ok(
        secret.resources.some(
          (r) => r.type.startsWith("aws:lb/") && JSON.stringify(r.inputs).includes("authenticateOidc"),
        ),
        "the load balancer logs in with the external IdP",
      );
    },
  );

  it(
    "given alb-oidc with no oidc* key, after the CLI merged Pulumi.yaml's defaults (oidcClientSecret " +
      '""), then the door logs in with Cognito',
    async () => {
      const defaults = Object.fromEntries(
        Object.entries(project.config)
          .filter(([k, d]) => k.startsWith("oidc") && d.default !== undefined)
          .map(([k, d]) => [k, d.default]),
      );
      assert.equal(defaults.oidcClientSecret, "");
      const run = await runStack({ stack: OFFLINE_STACK, config: doorConfig("alb-oidc", defaults) });
      assert.equal(run.error, undefined);
      assert.equal(run.resources.filter((r) => r.type === "aws:cognito/userPool:UserPool").length, 1);
      const login = run.resources
        .filter((r) => r.type === "aws:lb/listener:Listener")
        .flatMap((r) => (r.inputs.defaultActions ?? []).map((a: any) => a.type));
      assert.ok(login.includes("authenticate-cognito"), login.join(", "));
      assert.ok(!login.includes("authenticate-oidc"), login.join(", "));
    },
  );
});
