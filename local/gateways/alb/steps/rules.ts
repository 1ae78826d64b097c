import { IncomingRequest } from "../../events";
import { headerValues } from "../../http";
import type { AlbStep } from "../context";
import type { AlbRule } from "../listener";
import { conditionPattern } from "../../../../awsRules/albConditions";

/**
 * The rule a request meets, whose actions it gets: the listener's rules in priority order, lowest
 * first, the first whose conditions all hold; else the listener's default actions (the default
 * rule, evaluated last). An `http-request-method` condition holds when one of its values is the
 * request's method, compared exactly (case-sensitive, no wildcards). An `http-header` condition holds when one of
 * its values matches one of the request's values of that header (the name compared case-insensitively, each value
 * too, `*` matching any characters and `?` exactly one; a header sent several times is searched in order). A
 * `path-pattern` condition holds when one of its values matches the request's path, never its query string
 * (case-sensitive, the same wildcards; the path as sent, percent-encoding kept: AWS does not say it decodes it).
 * The patterns' rules are awsRules/albConditions.ts'.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#http-request-method-conditions
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#http-header-conditions
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#path-conditions
 */
export const rules: AlbStep = {
  name: "rules",
  run(ctx) {
    const met = ctx.listener.rules.find((r) => meets(r, ctx.req));
    ctx.actions = met?.actions ?? ctx.listener.actions;
    return undefined;
  },
};

const meets = (rule: AlbRule, req: IncomingRequest) =>
  rule.methods.every((values) => values.includes(req.method)) &&
  rule.headers.every(({ name, values }) =>
    headerValues(req.headers, name).some((sent) =>
      values.some((pattern) => conditionPattern(pattern, false).test(sent)),
    ),
  ) &&
  rule.paths.every((values) => values.some((pattern) => conditionPattern(pattern, true).test(req.rawPath ?? req.path)));
