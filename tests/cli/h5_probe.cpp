// Prints the layout of a kscan HDF5 file with the HDF5 C API, one fact per line, for the CLI
// tests: "attr <name>", "dataset <name>", "run <id>", "run-attr <id> <name>", "summary <rows>".
#include <hdf5.h>

#include <cstdio>
#include <string>
#include <vector>

namespace {

herr_t collect_attribute(hid_t, const char* name, const H5A_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->push_back(name);
  return 0;
}

herr_t collect_link(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->push_back(name);
  return 0;
}

std::vector<std::string> attributes(hid_t object) {
  std::vector<std::string> names;
  H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_attribute, &names);
  return names;
}

std::vector<std::string> children(hid_t file, const char* group) {
  std::vector<std::string> names;
  if (H5Lexists(file, group, H5P_DEFAULT) <= 0) return names;
  const hid_t g = H5Gopen2(file, group, H5P_DEFAULT);
  if (g < 0) return names;
  H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_link, &names);
  H5Gclose(g);
  return names;
}

}  // namespace

int main(int argc, char* argv[]) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: kscan_h5_probe FILE.h5\n");
    return 2;
  }
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t file = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    std::fprintf(stderr, "kscan_h5_probe: cannot open %s\n", argv[1]);
    return 1;
  }
  for (const auto& name : attributes(file)) std::printf("attr %s\n", name.c_str());
  for (const auto& name : children(file, "/datasets")) std::printf("dataset %s\n", name.c_str());
  for (const auto& id : children(file, "/runs")) {
    std::printf("run %s\n", id.c_str());
    const hid_t run = H5Gopen2(file, ("/runs/" + id).c_str(), H5P_DEFAULT);
    if (run < 0) continue;
    for (const auto& name : attributes(run)) std::printf("run-attr %s %s\n", id.c_str(), name.c_str());
    H5Gclose(run);
    for (const auto& name : children(file, ("/runs/" + id + "/estimates").c_str()))
      std::printf("run-estimates %s %s\n", id.c_str(), name.c_str());
  }
  if (H5Lexists(file, "/summary", H5P_DEFAULT) > 0) {
    const hid_t summary = H5Dopen2(file, "/summary", H5P_DEFAULT);
    const hid_t space = H5Dget_space(summary);
    std::printf("summary %lld\n", static_cast<long long>(H5Sget_simple_extent_npoints(space)));
    H5Sclose(space);
    H5Dclose(summary);
  }
  H5Fclose(file);
  return 0;
}
