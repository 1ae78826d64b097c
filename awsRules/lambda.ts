/**
 * Lambda's cap on a function's environment: "Function environment variables: 4 KB, for all
 * environment variables associated with the function, in aggregate". Counted here as the UTF-8
 * bytes of the variables as JSON (names, values and the quotes, colons and commas between them),
 * which is never less than names and values alone, so what passes here passes at Lambda.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
 */
export const LAMBDA_ENVIRONMENT_BYTES = 4096;

/** The size of an environment as counted against LAMBDA_ENVIRONMENT_BYTES. */
export function environmentBytes(variables: Record<string, string>): number {
  return Buffer.byteLength(JSON.stringify(variables), "utf8");
}

/** Why Lambda would refuse this environment, or undefined. */
export function environmentProblem(variables: Record<string, string>): string | undefined {
  const bytes = environmentBytes(variables);
  if (bytes <= LAMBDA_ENVIRONMENT_BYTES) return undefined;
  const largest = Object.entries(variables)
    .sort((a, b) => b[0].length + b[1].length - a[0].length - a[1].length)
    .slice(0, 3)
    .map(([k, v]) => `${k} (${k.length + v.length})`);
  return (
    `the notes function's environment would be ${bytes} bytes, above Lambda's ${LAMBDA_ENVIRONMENT_BYTES} ` +
    `(largest: ${largest.join(", ")}): fewer doors, CORS origins or admin API key clients`
  );
}
