// The error family of run reports: a run directory that is missing, or whose files cannot be read.

import { StatesetError } from '../../errors.js';

/** A run report could not be made: no run directory, no metrics file, or a malformed one. */
export class ReportError extends StatesetError {}
