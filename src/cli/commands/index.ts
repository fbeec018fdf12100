// Each subcommand registers itself in SUBCOMMANDS when its module loads.
import './check';
import './baseline';
