import type { PackageManifestInfo } from '../rule';
import { HOST_MODULES, typesPackageFor } from './package-name';

/**
 * Whether `manifest` accounts for an import of `packageName`:
 * - the name is in dependencies, devDependencies, peerDependencies or optionalDependencies;
 * - it is the package's own name (a package may import itself through its `exports`);
 * - the import is type-only and the DefinitelyTyped package (`@types/x`, `@types/scope__x`) is
 *   declared: erased imports need the types, not the package;
 * - it is a module the host provides at run time (`vscode`) and its types package is declared.
 */
export function isDeclared(manifest: PackageManifestInfo, packageName: string, typeOnly: boolean): boolean {
  if (manifest.declared.has(packageName) || manifest.name === packageName) return true;
  if (typeOnly && manifest.declared.has(typesPackageFor(packageName))) return true;
  const hostTypes = HOST_MODULES.get(packageName);
  return hostTypes !== undefined && manifest.declared.has(hostTypes);
}
