import type { IncomingRequest } from "../../events";
import type { AlbStep } from "../context";
import type { AlbRule } from "../listener";

/**
 * The rule a request meets, whose actions it gets: the listener's rules in priority order, lowest
 * first, the first whose conditions all hold; else the listener's default actions (the default
 * rule, evaluated last). An `http-request-method` condition holds when one of its values is the
 * request's method, compared exactly (case-sensitive, no wildcards).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#http-request-method-conditions
 */
export const rules: AlbStep = {
  name: "rules",
  run(ctx) {
    const met = ctx.listener.rules.find((r) => meets(r, ctx.req));
    ctx.actions = met?.actions ?? ctx.listener.actions;
    return undefined;
  },
};

const meets = (rule: AlbRule, req: IncomingRequest) => rule.methods.every((values) => values.includes(req.method));
