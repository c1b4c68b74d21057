package flask

// Tuple is a Python tuple. Flask writes tuples as {" t": [...]}; a tuple
// read from Flask decodes to a Tuple, and a Tuple written by Go reaches
// Flask as a tuple. Flash messages are tuples (category, message).
type Tuple []any

// Markup is a markupsafe.Markup string: HTML that Jinja2 templates output
// without escaping. Flask writes it as {" m": "..."}. Only put trusted,
// already-escaped HTML in a Markup.
type Markup string
