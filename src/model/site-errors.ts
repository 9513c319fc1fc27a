import { AmortviError } from "../core/errors.js";

/** A model names the same site twice in one run (sites are keyed by name). */
export class DuplicateSiteError extends AmortviError {}

/** An observed site has no value in the data given to the run. */
export class MissingObservationError extends AmortviError {}

/** A latent site needs a given value (scoring a joint) and none was given. */
export class MissingValueError extends AmortviError {}

/** A value (observed or given) lies outside its site's support. */
export class SupportError extends AmortviError {}
