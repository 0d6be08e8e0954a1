// Every test sees the three layers through this one import of the support
// target; their `package` declarations are visible to the package's tests.
@_exported import KlaxonEngine
@_exported import KlaxonSystem
