// The program of each layer link check (cmake/engine_layers.cmake): it does nothing; linking it,
// with the layer's whole archive and only the layers below, is the check.
int main() { return 0; }
