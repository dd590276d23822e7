export interface JsrPackage {
  dir: string;
  manifest: { name: string; version: string; exports: string | Record<string, string> };
}
export function jsrPackages(): JsrPackage[];
export function denoCheck(dir: string, packages?: JsrPackage[]): { ok: boolean; output: string };
