pub mod bayreuth;
