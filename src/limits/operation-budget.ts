import { GatewayError } from '../errors.js';
import { BUDGET_LIMITS, type Budget } from './budget.js';

/**
 * The upstream budget of one GraphQL operation, enforced where calls are made: one
 * counter per operation, shared by every field, loader and retry of it (the upstream
 * pipeline spends before each attempt). A call that would pass either cap is not
 * made; the field that needed it gets BAD_USER_INPUT naming the limit. The
 * pre-execution estimate (budget.ts) refuses what is known to be too expensive
 * before any call; this counter holds whatever the document's shape.
 */
export interface OperationBudget {
  /**
   * Spends one call asking for `items` items, or refuses (nothing is spent) with the
   * error the field gets when the call would pass a cap.
   */
  spend(items: number): GatewayError | undefined;
  /** What was spent so far. */
  spent(): Budget;
}

export function createOperationBudget(limits: Budget): OperationBudget {
  let calls = 0;
  let items = 0;
  return {
    spend(asked) {
      if (calls + 1 > limits.calls) return exhausted('calls', limits.calls);
      if (items + asked > limits.items) return exhausted('items', limits.items);
      calls += 1;
      items += asked;
      return undefined;
    },
    spent: () => ({ calls, items }),
  };
}

function exhausted(which: keyof Budget, max: number): GatewayError {
  const { setting, counts } = BUDGET_LIMITS[which];
  const error = new GatewayError(
    'BAD_USER_INPUT',
    `The operation reached its upstream budget of ${max} ${counts} (${setting}); this field was not served. Ask for fewer or smaller pages, or split the operation.`,
  );
  (error as { extensions: Record<string, unknown> }).extensions = { ...error.extensions, budget: { limit: setting, max } };
  return error;
}
