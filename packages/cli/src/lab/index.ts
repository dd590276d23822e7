export { labPlugin } from './lab-plugin.ts';
export { type LabDeps, type LabOptions, runLab } from './run-lab.ts';
