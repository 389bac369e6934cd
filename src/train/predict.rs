//! Scoring a CSV with a saved run (the "deploy" step): rows are read,
//! encoded and scored in fixed-size chunks, so memory stays bounded however
//! large the file is. The output is the input's columns plus a probability.

use std::io::BufWriter;
use std::path::Path;

use super::data::{self, EncodeCounts};
use super::error::{DataError, TrainError};
use super::fused;
use super::runs::{self, SavedModel};
use crate::csvfile;

/// Rows encoded and scored at a time.
pub const CHUNK_ROWS: usize = 4096;

/// What a prediction run did.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictReport {
    pub run_id: String,
    pub rows: usize,
    /// Name of the column written.
    pub column: String,
    /// Missing cells per column (imputed), only columns with some.
    pub missing: Vec<(String, usize)>,
    /// Cells with a category the model never saw (encoded as all zeros).
    pub unseen: Vec<(String, usize)>,
}

/// Score `input` with run `run_id` of the workspace at `root` and write `output`.
pub fn predict(
    root: &Path,
    run_id: &str,
    input: &Path,
    output: &Path,
) -> Result<PredictReport, TrainError> {
    let model = runs::load_run(root, run_id)?;
    predict_with(&model, input, output)
}

/// Score `input` with a loaded model.
pub fn predict_with(
    model: &SavedModel,
    input: &Path,
    output: &Path,
) -> Result<PredictReport, TrainError> {
    let (file, _, skip) = csvfile::open_past_bom(input).map_err(|e| TrainError::io(input, e))?;
    let mut rdr = data::data_reader(file, data::row_end(input, skip)?);
    let header = data::read_header(input, &mut rdr)?;
    let encoder = model.encoding.encoder(input, &header)?;
    let column = [
        "probability",
        "lodestar_probability",
        "lodestar_probability_2",
    ]
    .into_iter()
    .find(|c| !header.iter().any(|h| h == *c))
    .unwrap_or("lodestar_probability_3")
    .to_string();

    // Written through a temporary file renamed only on success: a failed
    // run leaves the previous output untouched (see crate::fsio).
    let out_file = crate::fsio::Output::create(output)?;
    let mut wtr = csv::Writer::from_writer(BufWriter::new(out_file));
    let write_err =
        |e: csv::Error| TrainError::Run(format!("{}: cannot write: {e}", output.display()));
    let mut out_header = header.clone();
    out_header.push_field(&column);
    wtr.write_record(&out_header).map_err(write_err)?;

    let features = model.encoding.features;
    let mut counts = EncodeCounts::new(model.encoding.columns.len());
    let mut records: Vec<csv::StringRecord> = Vec::with_capacity(CHUNK_ROWS);
    let mut x = vec![0.0f32; CHUNK_ROWS * features];
    let mut rows = 0usize;
    let mut record = csv::StringRecord::new();
    let result = (|| -> Result<(), TrainError> {
        loop {
            records.clear();
            while records.len() < CHUNK_ROWS
                && data::read_row(input, &mut rdr, header.len(), &mut record)?
            {
                let k = records.len();
                encoder.encode(
                    &record,
                    data::record_line(&record),
                    &mut x[k * features..(k + 1) * features],
                    &mut counts,
                )?;
                records.push(record.clone());
            }
            if records.is_empty() {
                return Ok(());
            }
            let logits = fused::predict_logits(
                &model.shape,
                model.activation,
                &model.params,
                &x,
                records.len(),
                1,
            );
            for (r, z) in records.iter().zip(&logits) {
                let p = 1.0 / (1.0 + (-z).exp());
                let mut fields: Vec<&str> = r.iter().collect();
                let p = p.to_string();
                fields.push(&p);
                wtr.write_record(&fields).map_err(write_err)?;
            }
            rows += records.len();
        }
    })();
    result?;
    if rows == 0 {
        return Err(DataError::new(input, 1, crate::tr!("train.data.no_rows")).into());
    }
    let out_file = wtr
        .into_inner()
        .map_err(|e| TrainError::io(output, e.into_error()))?
        .into_inner()
        .map_err(|e| TrainError::io(output, e.into_error()))?;
    out_file.commit()?;
    let named = |v: &[usize]| -> Vec<(String, usize)> {
        model
            .encoding
            .columns
            .iter()
            .zip(v)
            .filter(|(_, n)| **n > 0)
            .map(|(c, n)| (c.name().to_string(), *n))
            .collect()
    };
    Ok(PredictReport {
        run_id: model.id.clone(),
        rows,
        column,
        missing: named(&counts.missing),
        unseen: named(&counts.unseen),
    })
}
