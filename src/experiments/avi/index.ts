import "./linear.js";
import "./nonlinear.js";
import "./width-vs-n.js";
import "./saw.js";
import "./hmm.js";
import "./gp.js";
import "./bvae.js";
