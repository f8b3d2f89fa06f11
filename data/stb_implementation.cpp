// The one translation unit that compiles stb_image and stb_image_write (Debian's libstb-dev ships
// headers only). Decoding is limited to PNG and JPEG: formats the engine does not document are
// not compiled in, which also keeps the code an attacker can reach small. The dimension cap is a
// second line of defence; data/decode.cpp checks the pixel count before decoding.
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_NO_STDIO
#define STBI_MAX_DIMENSIONS (1 << 16)
#include <stb_image.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
