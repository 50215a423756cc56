/** Step and run error codes (docs/bugbug-compatibility.md §3). Spelling is BugBug's, typos included. */
export const ERROR_CODES = [
  // element
  'ELEMENT_DOES_NOT_EXIST',
  'ELEMENT_REMOVED',
  'SELECTOR_REQUIRED',
  'INVALID_ELEMENT_SELECTOR',
  'INTERACTION_POSITION_OUT_OF_VIEWPORT',
  // frames and tabs
  'FRAME_DOES_NOT_EXIST',
  'FRAME_LOADS_TOO_LONG',
  'WINDOW_OR_TAB_DOES_NOT_EXIST',
  'TAB_CLOSED',
  // forms
  'UNCHANGABLE_ELEMENT',
  'TYPED_TEXT_DIFFERENT_THAN_EXPECTED',
  'INVALID_FIELD_VALUE',
  'INVALID_OPTION_INDEX',
  'MISSING_OPTION_VALUE',
  'MISSING_OPTION_TEXT',
  'MISSING_OPTION_INDEX',
  'SELECT_OPTION_FAILED',
  // navigation
  'MISSING_GOTO_STEP',
  'INVALID_URL',
  'PAGE_LOADING_ERROR',
  // javascript
  'CODE_EXECUTION_ERROR',
  'INVALID_EXECUTION_RESULT',
  // variables
  'VARIABLE_DOES_NOT_EXIST',
  'VARIABLE_NESTING_LIMIT_EXCEEDED',
  'VALUE_COMPUTING_ERROR',
  // interaction
  'EVENT_DISPATCHED_ON_INVALID_ELEMENT',
  'EVENT_DISPATCH_FAILED',
  // steps
  'FAILED_WAITING_CONDITIONS',
  'PROMPT_DOES_NOT_EXIST',
  'UNHANDLED_PROMPT',
  'NEXT_STEP_ELEMENT_REQUIRED',
  'ASSERT_FAILED',
  'SCROLL_FAILED',
  'FILE_DOES_NOT_EXIST',
  'FILE_UPLOAD_ERROR',
  // time
  'TIMEOUT',
  'SINGLE_TEST_TIME_EXCEEDED',
  // system
  'INITIALIZATION_ERROR',
  'INTERNAL_ERROR',
  'RUNTIME_ERROR',
  'UNRECOGNIZED_STEP_TYPE',
  'TAKING_SCREENSHOT_TIMEOUT',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A failure as data: runner failures are recorded, never thrown out of a run. */
export interface Failure {
  errorCode: ErrorCode;
  message: string;
}
