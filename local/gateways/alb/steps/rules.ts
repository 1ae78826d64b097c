import type { AlbStep } from "../context";

/**
 * The rule a request meets, whose actions it gets: locally always the listener's default actions
 * (in their `order`), as listener rules (`aws:lb/listenerRule:ListenerRule`) stop local mode at
 * start, and actions other than `authenticate-cognito` and `forward` too.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html
 */
export const rules: AlbStep = {
  name: "rules",
  run(ctx) {
    ctx.actions = ctx.listener.actions;
    return undefined;
  },
};
