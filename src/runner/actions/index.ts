import type { StepAction } from '../../domain/index.js';
import { assertActions } from './assert.js';
import { clipboardActions } from './clipboard.js';
import { dragActions } from './drag.js';
import { formActions } from './forms.js';
import { frameActions } from './frames.js';
import { javascriptActions } from './javascript.js';
import { mouseActions } from './mouse.js';
import { navigationActions } from './navigation.js';
import { promptActions } from './prompt.js';
import { scrollActions } from './scroll.js';
import { selectActions } from './select.js';
import { tabActions } from './tabs.js';
import type { ActionHandler } from './types.js';
import { uploadActions } from './upload.js';
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
  ...selectActions,
  ...scrollActions,
  ...tabActions,
  ...frameActions,
  ...dragActions,
  ...uploadActions,
  ...clipboardActions,
  ...visualActions,
};

export type { ActionHandler, ActionResult } from './types.js';
