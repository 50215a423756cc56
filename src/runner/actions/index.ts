import type { StepAction } from '../../domain/index.js';
import { assertActions } from './assert.js';
import { formActions } from './forms.js';
import { javascriptActions } from './javascript.js';
import { mouseActions } from './mouse.js';
import { navigationActions } from './navigation.js';
import { promptActions } from './prompt.js';
import type { ActionHandler } from './types.js';
import { variableActions } from './variables.js';
import { visualActions } from './visual.js';

/** One module per action family; an action missing here fails its step with UNRECOGNIZED_STEP_TYPE. */
export const ACTIONS: Partial<Record<StepAction, ActionHandler>> = {
  ...navigationActions,
  ...mouseActions,
  ...formActions,
  ...assertActions,
  ...javascriptActions,
  ...variableActions,
  ...promptActions,
  ...visualActions,
};

export type { ActionHandler, ActionResult } from './types.js';
