/**
 * What an Application Load Balancer accepts in a listener rule's conditions, and how it matches them.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html ("Condition basics")
 * - A rule has at most one each of `host-header`, `http-request-method`, `path-pattern` and `source-ip`, and any
 *   number of `http-header` and `query-string` conditions.
 * - A condition has at most three match evaluations (values, any one of which satisfies it), a rule at most five
 *   in all, and at most five wildcards in all.
 * - Rules apply to visible ASCII characters only (no control characters, 0x00 to 0x1f and 0x7f).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_HttpHeaderConditionConfig.html
 * - An http-header condition's name: at most 40 characters, RFC 7230's token characters, case-insensitive, no
 *   wildcards, never `Host` (a host condition's). Its values: at most 128 characters each, case-insensitive, `*`
 *   matching any characters and `?` exactly one; a header sent several times is searched in order.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_PathPatternConditionConfig.html
 * - A path pattern: at most 128 characters, case-sensitive, the same wildcards, compared with the URL's path only
 *   (never its query string); its characters A-Z, a-z, 0-9, `_ - . $ / ~ " ' @ : + &`, `*` and `?`
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RuleCondition.html).
 * - `host-header`, `http-header` and `path-pattern` conditions may match regular expressions instead (Pulumi's
 *   `regexValues`, CloudFormation's `RegexValues`): a condition of regexes only has no `values`, and its regexes are
 *   its match evaluations (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html:
 *   "The regular expressions used in rule conditions …").
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RulePriorityPair.html
 * - A rule's priority: 1 to 50000, unique on its listener, lowest evaluated first, the default rule last
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html). Pulumi's
 *   `ListenerRule.priority` is optional: unset, the provider gives the rule the next one after the listener's
 *   highest (https://www.pulumi.com/registry/packages/aws/api-docs/lb/listenerrule/).
 */
export const ALB_RULE_LIMITS = {
  valuesPerCondition: 3,
  evaluationsPerRule: 5,
  wildcardsPerRule: 5,
  valueLength: 128,
  headerNameLength: 40,
  minPriority: 1,
  maxPriority: 50000,
} as const;

/** The condition types a rule may have at most one of (Pulumi's input names). */
const AT_MOST_ONE = ["hostHeader", "httpRequestMethod", "pathPattern", "sourceIp"] as const;

/** RFC 7230's token characters (`tchar`), without the `*` wildcard the load balancer refuses in a header name. */
const HEADER_NAME = /^[!#$%&'+\-.^_`|~0-9A-Za-z]+$/;
const VISIBLE_ASCII = /^[\x20-\x7e]+$/;
const PATH_PATTERN = /^[A-Za-z0-9_\-.$/~"'@:+&*?]+$/;

/** The wildcards of a value (`*` and `?`). */
export const wildcardsOf = (value: string) => [...value].filter((c) => c === "*" || c === "?").length;

/** Why the load balancer would refuse this http-header condition's header name, or undefined. */
export function headerNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > ALB_RULE_LIMITS.headerNameLength)
    return `a header name is 1 to ${ALB_RULE_LIMITS.headerNameLength} characters`;
  if (!HEADER_NAME.test(name))
    return "a header name is RFC 7230 token characters (letters, digits, !#$%&'+-.^_`|~), without wildcards";
  if (name.toLowerCase() === "host") return "the Host header is a host-header condition's, not an http-header one";
  return undefined;
}

/** Why the load balancer would refuse this http-header condition value, or undefined. */
export function headerValueProblem(value: string): string | undefined {
  if (value.length === 0 || value.length > ALB_RULE_LIMITS.valueLength)
    return `a header value pattern is 1 to ${ALB_RULE_LIMITS.valueLength} characters`;
  if (!VISIBLE_ASCII.test(value)) return "a header value pattern is visible ASCII characters only";
  if (wildcardsOf(value) > ALB_RULE_LIMITS.wildcardsPerRule)
    return `a rule has at most ${ALB_RULE_LIMITS.wildcardsPerRule} wildcards`;
  return undefined;
}

/** Why the load balancer would refuse this path pattern, or undefined. */
export function pathPatternProblem(pattern: string): string | undefined {
  if (pattern.length === 0 || pattern.length > ALB_RULE_LIMITS.valueLength)
    return `a path pattern is 1 to ${ALB_RULE_LIMITS.valueLength} characters`;
  if (!PATH_PATTERN.test(pattern))
    return "a path pattern is A-Z, a-z, 0-9, _ - . $ / ~ \" ' @ : + & and the wildcards * and ?";
  if (wildcardsOf(pattern) > ALB_RULE_LIMITS.wildcardsPerRule)
    return `a rule has at most ${ALB_RULE_LIMITS.wildcardsPerRule} wildcards`;
  return undefined;
}

/** A recorded rule condition (`aws.lb.ListenerRule` `conditions[]`): one type each, with its values. */
export type RuleCondition = Record<
  string,
  { values?: unknown[]; regexValues?: unknown[]; httpHeaderName?: unknown } | undefined
>;

/** The regular expressions of a rule's conditions (`regexValues`), which the load balancer matches as regexes. */
export const regexValuesOf = (conditions: readonly RuleCondition[]): string[] =>
  conditions.flatMap((c) => Object.values(c).flatMap((v) => (v?.regexValues ?? []).map(String)));

/**
 * Why the load balancer would refuse a rule with these conditions and this priority (undefined: Pulumi's next free
 * one), or undefined. A condition's match evaluations are its values and its regexes; wildcards are the values'.
 */
export function ruleProblem(conditions: readonly RuleCondition[], priority: number | undefined): string | undefined {
  if (
    priority !== undefined &&
    (!Number.isInteger(priority) || priority < ALB_RULE_LIMITS.minPriority || priority > ALB_RULE_LIMITS.maxPriority)
  )
    return `a rule's priority is a whole number from ${ALB_RULE_LIMITS.minPriority} to ${ALB_RULE_LIMITS.maxPriority}`;
  const typed = conditions.flatMap((c) => Object.entries(c).filter(([, v]) => v !== undefined));
  const twice = AT_MOST_ONE.find((t) => typed.filter(([k]) => k === t).length > 1);
  if (twice) return `a rule has at most one ${twice} condition`;
  const evaluations = typed.map(([, v]) => [...(v?.values ?? []), ...(v?.regexValues ?? [])].map(String));
  if (evaluations.some((v) => v.length === 0 || v.length > ALB_RULE_LIMITS.valuesPerCondition))
    return `a condition has 1 to ${ALB_RULE_LIMITS.valuesPerCondition} values`;
  if (evaluations.flat().length > ALB_RULE_LIMITS.evaluationsPerRule)
    return `a rule has at most ${ALB_RULE_LIMITS.evaluationsPerRule} match evaluations`;
  const values = typed.flatMap(([, v]) => (v?.values ?? []).map(String));
  if (values.reduce((n, v) => n + wildcardsOf(v), 0) > ALB_RULE_LIMITS.wildcardsPerRule)
    return `a rule has at most ${ALB_RULE_LIMITS.wildcardsPerRule} wildcards`;
  return undefined;
}

/**
 * Path patterns as few path-pattern conditions as the limits allow, each the one condition of its own rule: at
 * most three values and five wildcards each, in the order given.
 */
export function pathConditions(patterns: readonly string[]): string[][] {
  const out: string[][] = [];
  for (const p of patterns) {
    const last = out[out.length - 1];
    const fits =
      last &&
      last.length < ALB_RULE_LIMITS.valuesPerCondition &&
      [...last, p].reduce((n, v) => n + wildcardsOf(v), 0) <= ALB_RULE_LIMITS.wildcardsPerRule;
    if (fits) last.push(p);
    else out.push([p]);
  }
  return out;
}

/**
 * A condition value as the load balancer matches it: the whole string, `*` any characters, `?` exactly one;
 * case-insensitive for http-header values, case-sensitive for path patterns.
 */
export const conditionPattern = (pattern: string, caseSensitive: boolean) =>
  new RegExp(
    `^${[...pattern]
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("")}$`,
    caseSensitive ? "s" : "is",
  );
