import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";

/** One resource as the program registered it. */
export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  /** The parent's URN; undefined for the stack itself. */
  parent?: string;
  /** False for component resources. */
  custom: boolean;
  /** The resource options that never reach the provider: protect, retainOnDelete, deleteBeforeReplace. */
  options: { protect: boolean; retainOnDelete: boolean; deleteBeforeReplace: boolean };
  /** URNs this resource depends on (dependsOn and the resources its inputs come from), as the engine sees them. */
  dependencies: string[];
  /** The aliases the engine is told (old URNs or specs: name, type, parentUrn, …), as protobuf objects. */
  aliases: Record<string, unknown>[];
  /**
   * The URNs those aliases name, as the engine resolves them: a URN alias as it is, a spec alias from its
   * parent's URN and the resource's name and type where the spec leaves them out.
   */
  aliasUrns?: string[];
  inputs: Record<string, any>;
  /** The provider's outputs (mocked): what stack policies see, as in a real preview. Empty for components. */
  state: Record<string, any>;
  /** What a component registered with registerOutputs (doors: url, client config, cited children). */
  outputs?: Record<string, any>;
}

export const MOCK_ACCOUNT = "123456789012";
export const MOCK_REGION = "us-east-1";

/**
 * Recording mocks (after pulumi-awsx's tests): every resource's type, name, URN, parent,
 * options, dependencies and inputs are kept, and each component's registered outputs; provider
 * outputs are plausible values, ARNs included, so wiring can be asserted. Unknown invokes throw,
 * so a new data source cannot slip in unmocked.
 */
export async function installRecordingMocks(project: string, stack: string): Promise<RecordedResource[]> {
  const recorded: RecordedResource[] = [];
  // By parent, type and name: two doors' children may share a type and a name (each door is
  // `door`, told apart by its type), never a parent.
  const inputs = new Map<string, Promise<any>>();
  const states = new Map<string, Record<string, any>>();
  const keyOf = (parent: string, type: string, name: string) => `${parent}::${type}::${name}`;
  // The mock monitor calls newResource synchronously inside registerResource (runtime/mocks.js),
  // which does not pass the parent: the registration below hands it over.
  let registering = "";
  await pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        const key = keyOf(registering, args.type, args.name);
        inputs.set(key, plainAssets(args.inputs));
        const { id, state } = mockState(args.type, args.name, args.inputs, registering);
        states.set(key, { ...state, id });
        return { id, state };
      },
      call: (args) => mockCall(args.token, args.inputs),
    },
    project,
    stack,
    /* preview */ false,
  );

  // The monitor sees each registration as the engine would: parent, options and dependencies.
  const monitor = pulumi.runtime.getMonitor() as any;
  // URNs as the engine makes them: the parent's whole qualified type, except the root stack's,
  // then the type (the SDK's createUrn). The mock monitor keeps only the parent's last type, so
  // two doors' same-named children (`door-api` under NotesRestApi) would share a URN.
  // https://www.pulumi.com/docs/iac/concepts/resources/names/#urns
  monitor.newUrn = (parent: string, type: string, name: string): string => {
    const parentType = parent ? parent.split("::")[2] : "";
    const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, res: any) => void) => {
    const key = keyOf(req.getParent() || "", req.getType(), req.getName());
    registering = req.getParent() || "";
    register(req, async (err: unknown, res: any) => {
      if (!err) {
        recorded.push({
          type: req.getType(),
          name: req.getName(),
          urn: res.getUrn(),
          parent: req.getParent() || undefined,
          custom: req.getCustom(),
          options: {
            protect: !!req.getProtect(),
            retainOnDelete: !!req.getRetainondelete(),
            deleteBeforeReplace: !!req.getDeletebeforereplace(),
          },
          dependencies: req.getDependenciesList(),
          aliases: req.getAliasesList().map((a: any) => a.toObject()),
          ...aliasUrns(req),
          inputs: (await inputs.get(key)) ?? {},
          state: req.getCustom() ? await plainAssets(states.get(key) ?? {}) : {},
        });
      }
      callback(err, res);
    });
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: any, callback: (err: unknown, res: any) => void) => {
    const resource = recorded.find((r) => r.urn === req.getUrn());
    if (resource) resource.outputs = req.getOutputs()?.toJavaScript();
    registerOutputs(req, callback);
  };
  return recorded;
}

/** The alias URNs of a registration: as URNs (old SDKs) or as alias objects that carry one. */
function aliasUrns(req: any): { aliasUrns?: string[] } {
  const urns = [
    ...(req.getAliasurnsList?.() ?? []),
    ...(req.getAliasesList?.() ?? []).map((a: any) => a.getUrn?.() || specUrn(req, a.getSpec?.()?.toObject())),
  ].filter(Boolean);
  return urns.length > 0 ? { aliasUrns: [...new Set<string>(urns)] } : {};
}

/**
 * A spec alias's URN: `urn:pulumi:<stack>::<project>::<parent's qualified type>$<type>::<name>`, the resource's
 * own type and name where the spec gives none. https://www.pulumi.com/docs/iac/concepts/resources/names/#urns
 */
function specUrn(req: any, spec: { name?: string; type?: string; parenturn?: string } | undefined): string | undefined {
  if (!spec?.parenturn) return undefined;
  const [prefix, , qualified] = spec.parenturn.split("::");
  const project = spec.parenturn.split("::")[1];
  return `${prefix}::${project}::${qualified}$${spec.type || req.getType()}::${spec.name || req.getName()}`;
}

/** Assets and archives as plain JSON, so tests can read a function's code: {assets: {file: {text}}}. */
async function plainAssets(value: any): Promise<any> {
  if (value instanceof pulumi.asset.AssetArchive) {
    const assets = await (value as any).assets;
    const out: Record<string, unknown> = {};
    for (const [name, a] of Object.entries(assets)) out[name] = await plainAssets(a);
    return { assets: out };
  }
  if (value instanceof pulumi.asset.StringAsset) return { text: await (value as any).text };
  if (value instanceof pulumi.asset.FileAsset) return { path: await (value as any).path };
  if (Array.isArray(value)) return Promise.all(value.map(plainAssets));
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await plainAssets(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

/** The answers of the invokes the program makes (the same under mocks and under the CLI spec's engine). */
export function mockCall(token: string, inputs: any): Record<string, any> {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: MOCK_ACCOUNT,
        arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/mock`,
        userId: "AIDAMOCK",
        id: MOCK_ACCOUNT,
      };
    case "aws:index/getRegion:getRegion":
      return {
        name: MOCK_REGION,
        region: MOCK_REGION,
        id: MOCK_REGION,
        endpoint: `ec2.${MOCK_REGION}.amazonaws.com`,
        description: "US East (N. Virginia)",
      };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws", reverseDnsPrefix: "com.amazonaws" };
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return {
        names: ["us-east-1a", "us-east-1b", "us-east-1c"],
        zoneIds: ["use1-az1", "use1-az2", "use1-az4"],
        id: MOCK_REGION,
      };
    default:
      throw new Error(`unmocked invoke ${token} ${JSON.stringify(inputs)}`);
  }
}

const arn = (service: string, resource: string, region = MOCK_REGION) =>
  `arn:aws:${service}:${region}:${MOCK_ACCOUNT}:${resource}`;

/** The API types whose ids tell doors apart: the notes function learns the door from the API id. */
const API_TYPES = ["aws:apigateway/restApi:RestApi", "aws:apigatewayv2/api:Api"];

/**
 * `<door>-` for a resource under a door component (`notes-auth:door:IamFrontDoor` -> `iam-`), so
 * two doors' APIs (both `door-api`) get two ids, as AWS would give them; "" elsewhere.
 */
function doorSlug(parentUrn: string): string {
  const m = /notes-auth:door:(\w+)FrontDoor/.exec(parentUrn);
  return m ? `${m[1].replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase()}-` : "";
}

/** A published version's number for a function's inputs: the same inputs, the same number (1 to 99999). */
function versionOf(inputs: unknown): string {
  const h = crypto.createHash("sha256").update(JSON.stringify(inputs)).digest();
  return String(1 + (h.readUInt32BE(0) % 99999));
}

/** Plausible provider outputs for the types the program uses. */
export function mockState(
  type: string,
  name: string,
  inputs: any,
  parent = "",
): { id: string; state: Record<string, any> } {
  const id = API_TYPES.includes(type) ? `${name}-${doorSlug(parent)}id` : `${name}-id`;
  const base = { ...inputs, id };
  switch (type) {
    case "aws:dynamodb/table:Table":
      return { id: name, state: { ...base, name, arn: arn("dynamodb", `table/${name}`) } };
    case "aws:s3/bucket:Bucket":
      return { id: name, state: { ...base, bucket: name, arn: `arn:aws:s3:::${name}` } };
    case "aws:cloudwatch/logGroup:LogGroup":
      return {
        id: inputs.name ?? name,
        state: { ...base, name: inputs.name ?? name, arn: arn("logs", `log-group:${inputs.name ?? name}`) },
      };
    case "aws:iam/role:Role":
      return { id: name, state: { ...base, name, arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${name}` } };
    case "aws:lambda/function:Function": {
      const fnArn = arn("lambda", `function:${name}`);
      return {
        id: name,
        state: {
          ...base,
          name,
          arn: fnArn,
          invokeArn: `arn:aws:apigateway:${MOCK_REGION}:lambda:path/2015-03-31/functions/${fnArn}/invocations`,
          // With publish, each change of code or configuration publishes a new version: the number stands for
          // the inputs, so an alias on it (functionVersion) changes exactly when the function does.
          ...(inputs.publish
            ? { version: versionOf(inputs), qualifiedArn: `${fnArn}:${versionOf(inputs)}` }
            : { version: "$LATEST" }),
        },
      };
    }
    case "aws:lambda/alias:Alias": {
      const aliasArn = arn("lambda", `function:${inputs.functionName}:${inputs.name}`);
      return {
        id: aliasArn,
        state: {
          ...base,
          id: aliasArn,
          arn: aliasArn,
          invokeArn: `arn:aws:apigateway:${MOCK_REGION}:lambda:path/2015-03-31/functions/${aliasArn}/invocations`,
        },
      };
    }
    case "aws:apigateway/restApi:RestApi":
      return {
        id,
        state: {
          ...base,
          name: inputs.name ?? `${name}-0a1b2c3`,
          rootResourceId: `${name}-root`,
          executionArn: arn("execute-api", id),
          arn: `arn:aws:apigateway:${MOCK_REGION}::/restapis/${id}`,
        },
      };
    case "aws:apigateway/stage:Stage":
      return {
        id,
        state: {
          ...base,
          invokeUrl: `https://${inputs.restApi}.execute-api.${MOCK_REGION}.amazonaws.com/${inputs.stageName}`,
          arn: `arn:aws:apigateway:${MOCK_REGION}::/restapis/${inputs.restApi}/stages/${inputs.stageName}`,
          executionArn: arn("execute-api", `${inputs.restApi}/${inputs.stageName}`),
        },
      };
    case "aws:apigateway/apiKey:ApiKey":
      return {
        id,
        state: {
          ...base,
          value: inputs.value ?? `mock-api-key-value-for-${name}`,
          arn: `arn:aws:apigateway:${MOCK_REGION}::/apikeys/${id}`,
        },
      };
    case "aws:apigatewayv2/api:Api":
      return {
        id,
        state: {
          ...base,
          apiEndpoint: `https://${id}.execute-api.${MOCK_REGION}.amazonaws.com`,
          executionArn: arn("execute-api", id),
          arn: `arn:aws:apigateway:${MOCK_REGION}::/apis/${id}`,
        },
      };
    case "aws:apigatewayv2/stage:Stage":
      return {
        id,
        state: {
          ...base,
          invokeUrl: `https://${inputs.apiId}.execute-api.${MOCK_REGION}.amazonaws.com/`,
          arn: `arn:aws:apigateway:${MOCK_REGION}::/apis/${inputs.apiId}/stages/${inputs.name}`,
        },
      };
    case "aws:apigatewayv2/domainName:DomainName":
      return {
        id: inputs.domainName,
        state: {
          ...base,
          id: inputs.domainName,
          arn: `arn:aws:apigateway:${MOCK_REGION}::/domainnames/${inputs.domainName}`,
          domainNameConfiguration: {
            ...inputs.domainNameConfiguration,
            targetDomainName: `d-0123456789.execute-api.${MOCK_REGION}.amazonaws.com`,
            hostedZoneId: "Z1UJRXOUMOOFQ8",
          },
        },
      };
    case "aws:cognito/userPool:UserPool": {
      const poolId = `${MOCK_REGION}_${name.replace(/[^A-Za-z0-9]/g, "")}`;
      return {
        id: poolId,
        state: {
          ...base,
          id: poolId,
          arn: arn("cognito-idp", `userpool/${poolId}`),
          endpoint: `cognito-idp.${MOCK_REGION}.amazonaws.com/${poolId}`,
        },
      };
    }
    case "aws:cognito/userPoolClient:UserPoolClient":
      return {
        id: `${name}-client-id`,
        state: {
          ...base,
          id: `${name}-client-id`,
          clientSecret: inputs.generateSecret ? `mock-secret-of-${name}` : "",
        },
      };
    case "aws:cognito/resourceServer:ResourceServer":
      return {
        id,
        state: {
          ...base,
          scopeIdentifiers: (inputs.scopes ?? []).map((s: any) => `${inputs.identifier}/${s.scopeName}`),
        },
      };
    case "aws:cognito/identityPool:IdentityPool":
      return {
        id: `${MOCK_REGION}:00000000-0000-4000-8000-${name.length.toString().padStart(12, "0")}`,
        state: { ...base, arn: arn("cognito-identity", `identitypool/${name}`) },
      };
    case "aws:lb/loadBalancer:LoadBalancer": {
      const lbArn = arn("elasticloadbalancing", `loadbalancer/app/${name}/0123456789abcdef`);
      return {
        id: lbArn,
        state: {
          ...base,
          arn: lbArn,
          arnSuffix: `app/${name}/0123456789abcdef`,
          dnsName: `${name}-1234567890.${MOCK_REGION}.elb.amazonaws.com`,
          zoneId: "Z35SXDOTRQ7X7K",
        },
      };
    }
    case "aws:lb/targetGroup:TargetGroup": {
      const tgArn = arn("elasticloadbalancing", `targetgroup/${name}/0123456789abcdef`);
      return { id: tgArn, state: { ...base, arn: tgArn, arnSuffix: `targetgroup/${name}/0123456789abcdef` } };
    }
    case "awsx:ec2:Vpc":
      return {
        id,
        state: {
          ...base,
          vpcId: `vpc-${name}`,
          publicSubnetIds: ["subnet-public-a", "subnet-public-b"],
          privateSubnetIds: ["subnet-private-a", "subnet-private-b"],
          isolatedSubnetIds: [],
        },
      };
    default:
      return { id, state: { ...base, arn: arn(type.split(":")[1]?.split("/")[0] ?? "mock", `${name}`) } };
  }
}
