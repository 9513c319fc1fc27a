import "./synthetic.js";
import "./posterior.js";
