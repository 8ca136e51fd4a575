// The error family of the conversation layer: renderers, trajectories and their files.

import { StatesetError } from '../errors.js';

/** A conversation could not be rendered to tokens, or a trajectory (or its file) is malformed. */
export class ConversationError extends StatesetError {}
