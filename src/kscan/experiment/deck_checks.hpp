#pragma once
// What a deck's model and files must satisfy beyond the types of their keys: matrix shapes that
// agree, covariances that are symmetric and positive (semi-)definite in every step, arrays given
// per step that agree on T, an initial state that fits nx, dimensions this build has solvers for,
// input files that exist and can be read, an output file that can be written.
//
// Each check reports its problems to the reader, at the key they concern, and does not stop the
// others (as the reader's own reads do), so that a deck's problems are reported together.
#include <map>
#include <string>

#include "kscan/experiment/deck.hpp"
#include "kscan/experiment/yaml_reader.hpp"

namespace kscan {

/// The arrays of model.kind lti as read, by name (F, c, Q, H, d, R, m0, P0; those given).
using LtiArrays = std::map<std::string, YamlReader::Dense>;

/// model.kind lti (F and H given): F and H fix nx and ny (1..32) and every other array has their
/// shape; Q and R are covariances and P0 a definite one, in every step; the arrays given per step
/// agree on T; m0 and P0 are given exactly when model.initial is not (`initial_given`). Where R is
/// singular is noted in `singular_r` while that is empty. Returns whether every check passed.
bool check_lti_arrays(YamlReader& reader, const LtiArrays& m, bool initial_given,
                      std::string& singular_r);

/// The model read from model.file: nx and ny in 1..32, Q and R covariances in every step, P0 one.
/// Where R is singular is noted in `singular_r` while that is empty.
void check_file_model(YamlReader& reader, const Deck& deck, const HostModel& model,
                      std::string& singular_r);

/// The series read from data.file: the measurement dimension is the model's ny.
void check_series_matches_model(YamlReader& reader, const Deck& deck);

/// model.initial against nx, once nx is known (for a file model: once the file was read): a1 and
/// P1 sized nx, P1 a covariance that is zero in the diffuse components, diffuse indices below nx,
/// and one series (data.batch 1) for a diffuse start.
void check_initial_state(YamlReader& reader, const Deck& deck);

/// nx and ny are sizes this build holds solvers for (KSCAN_MAX_DIMENSION, KSCAN_GENERAL_PATH).
void check_dims_built(YamlReader& reader, const Deck& deck);

/// A model with arrays given per step (a file model, lti lists of matrices) fixes T: every
/// simulated length, or the file series' length, must be it.
void check_model_steps(YamlReader& reader, const Deck& deck);

/// The input file `resolved` (the value of `path_key`) exists, is a regular file, can be read
/// and, with `hdf5`, has the HDF5 signature. Returns whether it passed.
bool check_input_file(YamlReader& reader, const std::string& path_key,
                      const std::string& resolved, bool hdf5 = true);

/// output.file names a file whose first existing directory can be written (the missing ones are
/// created).
void check_output_file(YamlReader& reader, const std::string& file);

}  // namespace kscan
