import type { GatewayReply } from "../gateways/http";
import { DropConnection } from "../gateways/http";
import type { AwsApi } from "./server";
import { jsonReply, xmlEscape } from "./protocol";

/**
 * Faults of the local data services, so that what the handler does when storage is in trouble can be seen
 * locally: `npm start -- --fault dynamodb=throttle|refuse|stall:<ms>` (and `s3=`), or at run time through the
 * local AWS endpoint (`POST <endpoint>/local/faults`, `dynamodb=off` clears). They act in the front local mode puts
 * before dynalite and s3rver (services/dynamo.ts, services/s3.ts), before its own checks, on every request:
 * - `throttle`: the service's own throttling answer, as AWS sends it: DynamoDB's 400
 *   ProvisionedThroughputExceededException with its ThrottlingReasons (an on-demand table throttles on a key
 *   range: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TroubleshootingThrottling.html,
 *   https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ThrottlingReason.html), S3's 503 SlowDown
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList);
 * - `refuse`: the connection is ended without an answer (a service that cannot be reached);
 * - `stall:<ms>`: the answer comes that much later (a slow service; past a client's timeout, none it waits for).
 */
export const FAULT_SERVICES = ["dynamodb", "s3"] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];

export type Fault = { kind: "throttle" } | { kind: "refuse" } | { kind: "stall"; ms: number };

/** The longest stall: a minute (the function's own timeout is 10 s). */
export const MAX_STALL_MS = 60_000;

const FAULT_FORMS = "throttle, refuse or stall:<ms>";

/** `throttle`, `refuse`, `stall:<ms>`; `off` (or empty) is no fault. Throws naming the allowed values. */
export function parseFault(value: string, what = "the fault"): Fault | undefined {
  const v = value.trim();
  if (v === "off" || v === "") return undefined;
  if (v === "throttle" || v === "refuse") return { kind: v };
  const stall = /^stall:(\d+)$/.exec(v);
  if (stall && Number(stall[1]) <= MAX_STALL_MS) return { kind: "stall", ms: Number(stall[1]) };
  throw new Error(`${what} "${value}" is not ${FAULT_FORMS} (a stall is at most ${MAX_STALL_MS} ms), or off`);
}

/** `--fault dynamodb=throttle`: the service and its fault. Throws naming the services and the faults. */
export function parseFaultFlag(flag: string): { service: FaultService; fault: Fault | undefined } {
  const eq = flag.indexOf("=");
  const service = flag.slice(0, eq < 0 ? undefined : eq).trim();
  if (eq < 0 || !(FAULT_SERVICES as readonly string[]).includes(service))
    throw new Error(
      `--fault "${flag}" must be <service>=<fault>: the services are ${FAULT_SERVICES.join(", ")}, ` +
        `the faults ${FAULT_FORMS}, e.g. --fault dynamodb=throttle`,
    );
  return { service: service as FaultService, fault: parseFault(flag.slice(eq + 1), `--fault ${service}`) };
}

export const describeFault = (f: Fault) => (f.kind === "stall" ? `stall:${f.ms}` : f.kind);

/** The faults in force, by service; changed while the stack runs. */
export class LocalFaults {
  private readonly current = new Map<FaultService, Fault>();
  constructor(private readonly log: (line: string) => void = () => undefined) {}

  set(service: FaultService, fault: Fault | undefined): void {
    if (fault) this.current.set(service, fault);
    else this.current.delete(service);
    this.log(`fault: ${service} ${fault ? describeFault(fault) : "off"}`);
  }

  of(service: FaultService): Fault | undefined {
    return this.current.get(service);
  }

  /** `{ dynamodb: "throttle" }`: what is in force. */
  describe(): Record<string, string> {
    return Object.fromEntries([...this.current].map(([s, f]) => [s, describeFault(f)]));
  }

  /**
   * Applies the service's fault to a request: resolves with the throttling answer, throws DropConnection (refuse),
   * or waits (stall) and resolves undefined; undefined at once without a fault.
   */
  async apply(service: FaultService, throttled: () => GatewayReply): Promise<GatewayReply | undefined> {
    const fault = this.of(service);
    if (!fault) return undefined;
    if (fault.kind === "throttle") return throttled();
    if (fault.kind === "refuse") throw new DropConnection(`the ${service} fault (refuse)`);
    await new Promise((resolve) => setTimeout(resolve, fault.ms));
    return undefined;
  }
}

/**
 * DynamoDB's throttling answer for a request: ProvisionedThroughputExceededException, its reason a read or a write
 * over the table's key range (the throttling an on-demand table, as the recorded ones are, meets).
 */
export function dynamoThrottled(operation: string, tableArn: string | undefined): GatewayReply {
  const write = /^(Put|Update|Delete|BatchWrite|TransactWrite)/.test(operation);
  const body = {
    __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
    message:
      "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your " +
      "table or index so please try again shortly.",
    ...(tableArn
      ? {
          ThrottlingReasons: [
            { reason: `Table${write ? "Write" : "Read"}KeyRangeThroughputExceeded`, resource: tableArn },
          ],
        }
      : {}),
  };
  return {
    status: 400,
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-errortype": "ProvisionedThroughputExceededException",
    },
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** S3's throttling answer: 503 SlowDown, "Please reduce your request rate." */
export function s3Throttled(requestId: string): GatewayReply {
  return {
    status: 503,
    headers: { "content-type": "application/xml" },
    body: Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>` +
        `${xmlEscape("Please reduce your request rate.")}</Message><RequestId>${requestId}</RequestId></Error>`,
    ),
  };
}

/**
 * Local-only: `GET /local/faults` lists the faults in force; `POST /local/faults` with a form
 * (`dynamodb=throttle&s3=off`) changes them, answering what is then in force (400 naming the allowed values).
 */
export function faultsApi(faults: LocalFaults): AwsApi {
  return async (req) => {
    if (req.path !== "/local/faults") return undefined;
    if (req.method === "POST") {
      try {
        const changes = [...new URLSearchParams(req.body?.toString("utf8") ?? "")].map(([k, v]) =>
          parseFaultFlag(`${k}=${v}`),
        );
        for (const { service, fault } of changes) faults.set(service, fault);
      } catch (err) {
        return jsonReply({ message: (err as Error).message }, 400);
      }
    } else if (req.method !== "GET") return jsonReply({ message: "GET or POST /local/faults" }, 405);
    return jsonReply(faults.describe());
  };
}
