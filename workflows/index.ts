// Entry point of the workflow bundle: every workflow type the worker registers.
export { caseWorkflow } from './case.workflow';
export { programmeWorkflow } from './programme.workflow';
