// The checks run on every valid-enough model, in order. Each reports with the codes of
// diagnostics/codes.ts; the model builder reports the structural ones itself.
import type { Diagnostic } from '../../diagnostics/diagnostic';
import type { Model } from '../model';
import { naclChecks } from './nacl-checks';
import { sgChecks } from './sg-checks';
import { routingChecks } from './routing-checks';
import { firewallChecks } from './firewall-checks';
import { unusedChecks } from './unused';

export const MODEL_CHECKS: ReadonlyArray<(model: Model) => Diagnostic[]> = [naclChecks, sgChecks, unusedChecks, routingChecks, firewallChecks];

export { expectationChecks } from './expectations';
