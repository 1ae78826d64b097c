/**
 * A gateway's request path as an ordered list of named steps, after LocalStack's API Gateway
 * (its REST gateway, `RestApiGateway` in localstack/services/apigateway/next_gen/execute_api/,
 * is a chain of named handlers, one file each, run over an invocation context):
 * each step reads and fills the context of one request; a step that returns an answer ends the
 * request, and the steps after it are skipped, except those that run `always` (they see the
 * answer and may replace it: a REST API's gateway responses are rendered so).
 */
export interface Step<C, A> {
  /** What the step does, as its file is named: `route`, `authorize`, `forward`. */
  readonly name: string;
  /** `always`: runs after an earlier step answered too, with that answer. */
  readonly runs?: "always";
  /** Its part of the request; an answer ends the request. */
  run(ctx: C, answer: A | undefined): A | undefined | Promise<A | undefined>;
}

/** Runs the steps in order over one request's context: the answer the last step to answer gave. */
export async function runSteps<C, A>(steps: readonly Step<C, A>[], ctx: C): Promise<A | undefined> {
  let answer: A | undefined;
  for (const step of steps) {
    if (answer !== undefined && step.runs !== "always") continue;
    answer = (await step.run(ctx, answer)) ?? answer;
  }
  return answer;
}
