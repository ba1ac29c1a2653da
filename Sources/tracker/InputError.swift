// InputError: bad input that only shows once the command runs.
//
// How tracker reports bad input, one shape per moment it is found:
// - while parsing options (a bad value, a rule spanning options in `validate()`):
//   ArgumentParser's `ValidationError`, printed with the usage, exit 64;
// - later, once data or the database is read (a batch larger than the data set):
//   `InputError` here, one "Error: ..." line without the usage, exit 1;
// - from the libraries (`StoreError`, `ConfigError`, `DataError`): passed through
//   as is, one line naming the problem and the fix, exit 1.

/// Bad input found after parsing: printed as one "Error: ..." line without the
/// usage text, which would name the wrong command here.
struct InputError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
