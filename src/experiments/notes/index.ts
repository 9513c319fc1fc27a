import "./note1.js";
import "./note2.js";
import "./note3.js";
import "./note4.js";
import "./note-all.js";
