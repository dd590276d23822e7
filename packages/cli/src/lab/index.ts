export { labPlugin } from './lab-plugin.ts';
export { type LabOptions, runLab } from './run-lab.ts';
