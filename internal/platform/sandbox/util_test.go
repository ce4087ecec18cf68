package sandbox

import "errors"

func asIface[T any](err error, target *T) bool { return errors.As(err, target) }
