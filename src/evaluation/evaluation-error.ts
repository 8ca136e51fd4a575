// The error family of the evaluation layer: invalid evaluation settings and metric inputs.

import { StatesetError } from '../errors.js';

/** An evaluation or one of its metrics was asked for something it cannot compute. */
export class EvaluationError extends StatesetError {}
