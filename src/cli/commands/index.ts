// Each subcommand registers itself in SUBCOMMANDS when its module loads.
import './check';
import './baseline';
import './mark';
import './hooks';
import './hook';
import './import';
import './export';
import './report';
import './note';
import './sarif';
import './review';
import './mutate';
import './drill';
